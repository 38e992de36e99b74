/** Builds a raw message from header pairs and a body, with CRLF or LF line ends. */
export function buildEmail(headers: Array<[string, string]>, body: string, newline: '\r\n' | '\n' = '\n'): string {
  const head = headers.map(([name, value]) => `${name}: ${value}`).join(newline);
  return `${head}${newline}${newline}${body.replace(/\r?\n/g, newline)}`;
}

/** The headers of an ordinary reply to one of our mails. */
export function replyHeaders(extra: Array<[string, string]> = []): Array<[string, string]> {
  return [
    ['From', 'Dana Prospect <dana@prospect.example>'],
    ['To', 'rep@seller.example'],
    ['Subject', 'Re: Quick question about your fleet'],
    ['Date', 'Tue, 04 Mar 2025 09:15:00 +0100'],
    ['Message-ID', '<reply-1@prospect.example>'],
    ...extra,
  ];
}
