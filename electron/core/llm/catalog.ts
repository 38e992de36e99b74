import { byProvider, type Cost, type LLMProviderName, type ModelInfo, type PriceTableInfo, type TokenUsage } from '../../../shared/domain/llm';

/**
 * Which prices the catalog holds. Prices are USD per million tokens, standard (non-batch)
 * tier, prompts under each vendor's long-context threshold. Update `version` with every change,
 * so recorded usage says which table priced it.
 */
export const PRICE_TABLE: PriceTableInfo = {
  version: 'catalog-2026-11-29',
  pricesAsOf: '2026-11-29',
  source:
    'platform.claude.com/docs/en/about-claude/pricing; developers.openai.com/api/docs/pricing; ' +
    'ai.google.dev/gemini-api/docs/pricing; api-docs.deepseek.com/quick_start/pricing; groq.com/pricing',
};

type Row = Omit<ModelInfo, 'provider' | 'unknownToCatalog' | 'missingFromVendor'>;

function row(
  id: string,
  displayName: string,
  contextWindow: number | null,
  prices: [input: number | null, output: number | null, cachedInput: number | null],
  flags: { fast?: boolean; deprecated?: boolean } = {},
): Row {
  return {
    id,
    displayName,
    contextWindow,
    inputPerMTok: prices[0],
    outputPerMTok: prices[1],
    cachedInputPerMTok: prices[2],
    fast: flags.fast ?? false,
    deprecated: flags.deprecated ?? false,
  };
}

const ROWS: Record<LLMProviderName, Row[]> = {
  // Sonnet 5.5 cache reads were cut to $0.10 on 2026-10-07. Haiku 5.5 has a second price band
  // above 100k prompt tokens that outreach prompts never reach; the lower band is listed.
  anthropic: [
    row('claude-sonnet-5-5', 'Claude Sonnet 5.5', 1_000_000, [2, 10, 0.1]),
    row('claude-opus-5-5', 'Claude Opus 5.5', 1_000_000, [4, 20, 0.2]),
    row('claude-haiku-5-5', 'Claude Haiku 5.5 (Fast)', 1_000_000, [0.1, 0.5, 0.01], { fast: true }),
    row('claude-fable-5-1', 'Claude Fable 5.1', 1_000_000, [10, 50, 0.25]),
    row('claude-sonnet-5', 'Claude Sonnet 5', 1_000_000, [2, 10, 0.2], { deprecated: true }),
    row('claude-opus-5', 'Claude Opus 5', 1_000_000, [5, 25, 0.5], { deprecated: true }),
    row('claude-haiku-4-5', 'Claude Haiku 4.5', 200_000, [1, 5, 0.1], { fast: true, deprecated: true }),
  ],
  // GPT-6 prices from 2026-09-22; GPT-6.1 Sol (2026-09-29) halves the cached-input rate.
  // GPT-5.6 Luna/Terra after the 2026-07-30 cut.
  openai: [
    row('gpt-6.1-sol', 'GPT-6.1 Sol', 1_050_000, [2, 10, 0.1]),
    row('gpt-6-sol', 'GPT-6 Sol', 1_050_000, [2, 10, 0.2]),
    row('gpt-6-luna', 'GPT-6 Luna (Fast)', 1_050_000, [0.1, 0.5, 0.01], { fast: true }),
    row('gpt-6-astra', 'GPT-6 Astra', 1_050_000, [10, 50, 1]),
    row('gpt-5.6-terra', 'GPT-5.6 Terra', 1_050_000, [2, 12, 0.2], { deprecated: true }),
    row('gpt-5.6-luna', 'GPT-5.6 Luna', 1_050_000, [0.2, 1.2, 0.02], { fast: true, deprecated: true }),
    row('gpt-5-nano', 'GPT-5 nano', 400_000, [0.05, 0.4, 0.005], { fast: true, deprecated: true }),
  ],
  // Gemini 3.8 Flash is on introductory pricing through 2026-12-31 ($1.50 / $7.50 from 2027-01-01).
  // Thinking tokens are billed as output. Cached rates not published for every model: null means
  // cached tokens are priced at the input rate.
  gemini: [
    row('gemini-3.8-flash', 'Gemini 3.8 Flash', 1_000_000, [0.75, 3.75, null], { fast: true }),
    row('gemini-3.5-flash', 'Gemini 3.5 Flash', 1_000_000, [1.5, 9, null], { fast: true }),
    row('gemini-3.5-flash-lite', 'Gemini 3.5 Flash-Lite', 1_000_000, [0.3, 2.5, null], { fast: true }),
    row('gemini-3.1-pro-preview', 'Gemini 3.1 Pro (preview)', 1_000_000, [2, 12, null]),
    row('gemini-2.5-pro', 'Gemini 2.5 Pro', 1_000_000, [1.25, 10, null], { deprecated: true }),
    row('gemini-2.5-flash', 'Gemini 2.5 Flash', 1_000_000, [0.3, 2.5, null], { fast: true, deprecated: true }),
  ],
  // deepseek-chat and deepseek-reasoner are deprecated aliases of V4 Flash and V4 Pro.
  deepseek: [
    row('deepseek-v4-flash', 'DeepSeek V4 Flash', 1_000_000, [0.14, 0.28, 0.0028], { fast: true }),
    row('deepseek-v4-pro', 'DeepSeek V4 Pro', 1_000_000, [0.435, 0.87, 0.003625]),
    row('deepseek-chat', 'DeepSeek Chat (alias of V4 Flash)', 1_000_000, [0.14, 0.28, 0.0028], { deprecated: true }),
    row('deepseek-reasoner', 'DeepSeek Reasoner (alias of V4 Pro)', 1_000_000, [0.435, 0.87, 0.003625], { deprecated: true }),
  ],
  groq: [
    row('llama-3.3-70b-versatile', 'Llama 3.3 70B', 131_072, [0.59, 0.79, null]),
    row('llama-3.1-8b-instant', 'Llama 3.1 8B (Fast)', 131_072, [0.05, 0.08, null], { fast: true }),
    row('openai/gpt-oss-120b', 'GPT-OSS 120B', 131_072, [0.15, 0.6, 0.075]),
    row('openai/gpt-oss-20b', 'GPT-OSS 20B (Fast)', 131_072, [0.075, 0.3, 0.0375], { fast: true }),
  ],
  // Local servers cost nothing per token; the user's own models are listed by listModels.
  local: [row('llama3.2', 'Llama 3.2 (local)', null, [0, 0, 0])],
};

function toModelInfo(provider: LLMProviderName, r: Row): ModelInfo {
  return { ...r, provider, unknownToCatalog: false, missingFromVendor: false };
}

/** The catalog, replacing the reference design's AVAILABLE_MODELS. */
export const MODEL_CATALOG: Readonly<Record<LLMProviderName, readonly ModelInfo[]>> = byProvider((provider) =>
  ROWS[provider].map((r) => toModelInfo(provider, r)),
);

export function getCatalog(provider: LLMProviderName): ModelInfo[] {
  return MODEL_CATALOG[provider].map((m) => ({ ...m }));
}

/**
 * Finds a catalog row. Vendors answer with dated snapshot ids ("claude-sonnet-5-5-20260922",
 * "gpt-6-sol-2026-09-22") and Gemini with "models/…" names, so those resolve to their base row.
 */
export function findModel(provider: LLMProviderName, id: string): ModelInfo | undefined {
  const rows = MODEL_CATALOG[provider];
  const bare = id.startsWith('models/') ? id.slice('models/'.length) : id;
  const exact = rows.find((m) => m.id === bare);
  if (exact) return exact;
  const base = bare.replace(/-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/, '');
  return rows.find((m) => m.id === base);
}

/**
 * The cost of one call. `usage.inputTokens` includes cached tokens (every vendor we speak to
 * reports it that way after normalization), so cached tokens are priced at the cached rate and
 * the rest at the input rate. An unknown model costs 0 with `priceTable: null`.
 */
export function computeCost(provider: LLMProviderName, model: string, usage: TokenUsage): Cost {
  const info = findModel(provider, model);
  if (!info || info.inputPerMTok === null || info.outputPerMTok === null) return { usd: 0, priceTable: null };
  const cached = Math.min(usage.cachedInputTokens, usage.inputTokens);
  const cachedRate = info.cachedInputPerMTok ?? info.inputPerMTok;
  const usd = ((usage.inputTokens - cached) * info.inputPerMTok + cached * cachedRate + usage.outputTokens * info.outputPerMTok) / 1_000_000;
  return { usd: Math.round(usd * 1e9) / 1e9, priceTable: PRICE_TABLE.version };
}
