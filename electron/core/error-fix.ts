import { PROVIDER_DISPLAY_NAMES, type LLMProviderName } from '../../shared/domain/llm';

/**
 * Who shows an error to a person. The app's screens (the Electron window and the browser host)
 * name a fix as a place in Settings; the CLI names the command that makes it. The core is created
 * for one surface (`CoreOptions.surface`), and its dispatcher words every error for it.
 */
export type ErrorSurface = 'app' | 'cli';

/** A change that fixes an error, as data: each surface says where, or with what, it is made. */
export type ErrorFix =
  | { action: 'set-key' | 'set-model' | 'set-base-url' | 'set-timeout' | 'check-provider'; provider: LLMProviderName }
  | { action: 'switch-provider' | 'raise-budget' };

/** How an error message names its fixes on one surface. */
export interface FixWording {
  readonly surface: ErrorSurface;
  /** Where a fix is made: "in Settings → Providers → Groq", or `with "outreach-desk keys set groq"`. */
  where(fix: ErrorFix): string;
  /** "restart Outreach Desk", or "run the command again". */
  readonly restart: string;
}

/**
 * An error message: plain text, or written once as a function of the wording, so the app and the
 * CLI each get their own fix ("Settings → Providers → OpenAI" or "outreach-desk keys set openai").
 */
export type ErrorMessage = string | ((wording: FixWording) => string);

const CLI = 'outreach-desk';

function whereInApp(fix: ErrorFix): string {
  switch (fix.action) {
    case 'switch-provider':
      return 'in Settings → Providers';
    case 'raise-budget':
      return 'in Settings → Organization';
    default:
      return `in Settings → Providers → ${PROVIDER_DISPLAY_NAMES[fix.provider]}`;
  }
}

function whereInCli(fix: ErrorFix): string {
  switch (fix.action) {
    case 'set-key':
      return `with "${CLI} keys set ${fix.provider}"`;
    case 'set-model':
      return `with --model, or "${CLI} settings set model.${fix.provider}=MODEL" ("${CLI} models ${fix.provider}" lists them)`;
    case 'set-base-url':
      return `with "${CLI} settings set baseUrl.${fix.provider}=URL"`;
    case 'set-timeout':
      return `with "${CLI} settings set timeout.${fix.provider}=SECONDS"`;
    case 'check-provider':
      return `with "${CLI} settings get"`;
    case 'switch-provider':
      return `with --provider, or "${CLI} settings set provider=NAME"`;
    case 'raise-budget':
      return `with "${CLI} settings set budget=USD"`;
  }
}

const WORDINGS: Record<ErrorSurface, FixWording> = {
  app: { surface: 'app', where: whereInApp, restart: 'restart Outreach Desk' },
  cli: { surface: 'cli', where: whereInCli, restart: 'run the command again' },
};

/** The wording of fixes on a surface. */
export function fixWording(surface: ErrorSurface): FixWording {
  return WORDINGS[surface];
}

/** A message as one surface shows it. */
export function renderErrorMessage(message: ErrorMessage, surface: ErrorSurface): string {
  return typeof message === 'string' ? message : message(WORDINGS[surface]);
}
