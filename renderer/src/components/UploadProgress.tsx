import { formatBytes, formatPercent } from '../lib/format';
import type { UploadProgress } from '../lib/upload';
import { Meter } from './States';

/**
 * An upload under way: the bytes the core has, out of the total, as a progress bar that screen
 * readers announce ("3.0 MB of 12.4 MB sent"), and the file being sent.
 */
export function UploadProgressBar({ progress, label }: { progress: UploadProgress; label: string }) {
  const amount = `${formatBytes(progress.sent)} of ${formatBytes(progress.total)}`;
  return (
    <div className="upload-progress" data-testid="upload-progress">
      <div className="progress-head">
        <span>
          Sending <strong>{progress.name}</strong>…
        </span>
        <span className="muted upload-amount">
          {amount} ({formatPercent(progress.total > 0 ? progress.sent / progress.total : 1)})
        </span>
      </div>
      <Meter label={label} value={progress.sent} max={Math.max(1, progress.total)} valueText={`${amount} sent`} />
    </div>
  );
}
