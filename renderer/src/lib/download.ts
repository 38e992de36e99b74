/** Hands a file the core rendered (CSV, JSON) to the browser as a download. */
export function downloadFile(file: { filename: string; mimeType: string; content: string }): void {
  const blob = new Blob([file.content], { type: file.mimeType });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke after the click has been handled, or some engines cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Reads a file's raw bytes as base64. Mail must reach the core byte for byte: decoding it as
 * UTF-8 here would mangle messages in other charsets before the MIME parser sees them.
 */
export function readFileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error(`Could not read ${file.name}: ${reader.error?.message ?? 'unknown error'}`));
    reader.readAsDataURL(file);
  });
}
