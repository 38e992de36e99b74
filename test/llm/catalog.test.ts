import { describe, expect, it } from 'vitest';
import { computeCost, findModel, getCatalog, mergeModelLists, MODEL_CATALOG, PRICE_TABLE, PROVIDERS } from '../../electron/core/llm';
import { LLM_PROVIDER_NAMES } from '../../shared/domain/llm';

describe('catalog', () => {
  it('has current models with prices, a default model in the catalog, and a dated source', () => {
    expect(PRICE_TABLE.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE.source).toMatch(/anthropic|claude/);
    for (const p of LLM_PROVIDER_NAMES) {
      expect(getCatalog(p).length).toBeGreaterThan(0);
      expect(findModel(p, PROVIDERS[p].defaultModel)).toBeDefined();
    }
    const ids = Object.values(MODEL_CATALOG)
      .flat()
      .map((m) => m.id);
    expect(ids.some((id) => id.startsWith('gemini-1.5') || id.startsWith('claude-3-5'))).toBe(false);
  });

  it('resolves dated snapshots and Gemini resource names to their base row', () => {
    expect(findModel('anthropic', 'claude-sonnet-5-5-20260922')?.id).toBe('claude-sonnet-5-5');
    expect(findModel('openai', 'gpt-6-sol-2026-09-22')?.id).toBe('gpt-6-sol');
    expect(findModel('gemini', 'models/gemini-3.8-flash')?.id).toBe('gemini-3.8-flash');
    expect(findModel('openai', 'nope')).toBeUndefined();
  });

  it('prices cached input at the cached rate and names the price table', () => {
    // gpt-6-sol: $2 input, $0.20 cached, $10 output per million.
    const cost = computeCost('openai', 'gpt-6-sol', { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 100_000 });
    expect(cost.usd).toBeCloseTo(0.6 * 2 + 0.4 * 0.2 + 0.1 * 10, 9);
    expect(cost.priceTable).toBe(PRICE_TABLE.version);
  });

  it('prices cached tokens at the input rate when no cached rate is published', () => {
    const cost = computeCost('gemini', 'gemini-3.8-flash', { inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 0 });
    expect(cost.usd).toBeCloseTo(0.75, 9);
  });

  it('costs an unknown model nothing, with no price table', () => {
    expect(computeCost('groq', 'mystery-model', { inputTokens: 10, outputTokens: 10, cachedInputTokens: 0 })).toEqual({ usd: 0, priceTable: null });
  });

  it('merges a vendor list with the catalog, flagging both directions', () => {
    const merged = mergeModelLists('anthropic', ['claude-sonnet-5-5', 'claude-new-thing']);
    expect(merged.find((m) => m.id === 'claude-sonnet-5-5')).toMatchObject({ missingFromVendor: false, unknownToCatalog: false });
    expect(merged.find((m) => m.id === 'claude-opus-5-5')).toMatchObject({ missingFromVendor: true });
    expect(merged.find((m) => m.id === 'claude-new-thing')).toMatchObject({ unknownToCatalog: true, inputPerMTok: null });
  });
});
