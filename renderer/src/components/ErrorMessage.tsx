import type { ApiError } from '../lib/api';
import { useContext } from 'react';
import { AppContext, type Route } from '../lib/app-context';
import { ERROR_CODE_LABELS, PROVIDER_LABELS } from '../lib/labels';

/** Codes whose fix lives on a provider's card in Settings. */
// A timeout's fix is the provider's Timeout field (or another provider), on the same card.
const PROVIDER_FIX_CODES = new Set(['auth', 'permission', 'no_key', 'model_not_found', 'quota_exhausted', 'keychain_unavailable', 'timeout']);

/** Fields of a file the user chose: a validation error there is about the file, not a form. */
const FILE_FIELDS = new Set(['csv', 'encoding', 'path']);

/**
 * An error as an actionable message: what happened (from the code), the core's message
 * (which names the fix), and a button that goes where the fix is.
 */
export function ErrorMessage({ error, onRetry, compact = false }: { error: ApiError; onRetry?: () => void; compact?: boolean }) {
  // Errors can show before the session loads (the shell's own error), where there is nowhere to go.
  const app = useContext(AppContext)?.navigate;
  const fix = describeFix(error);
  return (
    <div className={`error-box${compact ? ' compact' : ''}`} role="alert" data-error-code={error.code}>
      <strong className="error-title">
        {error.code === 'validation' && error.field !== undefined && FILE_FIELDS.has(error.field) ? 'Check the file' : ERROR_CODE_LABELS[error.code]}
      </strong>
      <p className="error-text">{error.message}</p>
      {(fix || (onRetry && error.retryable)) && (
        <div className="error-actions">
          {fix && app && (
            <button type="button" className="btn btn-small" onClick={() => app(fix.route)}>
              {fix.label}
            </button>
          )}
          {onRetry && error.retryable && (
            <button type="button" className="btn btn-small btn-ghost" onClick={onRetry}>
              Try again
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function describeFix(error: ApiError): { label: string; route: Route } | null {
  if (error.provider && PROVIDER_FIX_CODES.has(error.code)) {
    return {
      label: `Open Settings → Providers → ${PROVIDER_LABELS[error.provider]}`,
      route: { page: 'settings', tab: 'providers', provider: error.provider },
    };
  }
  if (error.code === 'no_key' || error.code === 'keychain_unavailable') {
    return { label: 'Open Settings → Providers', route: { page: 'settings', tab: 'providers' } };
  }
  if (error.code === 'budget_exceeded') {
    return { label: 'Open Settings → Organization', route: { page: 'settings', tab: 'organization' } };
  }
  return null;
}
