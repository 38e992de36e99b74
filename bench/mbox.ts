/**
 * Mbox streaming: a 2 GB mbox, generated here in a temp folder and deleted afterwards, through
 * the real CLI end to end: `outreach-desk batch classify --in FILE.mbox --out FILE.csv
 * --rules-only` as a child process (`npm run bench` builds it). Prints the child's
 * peak RSS (VmHWM from /proc, read by the child itself as it exits; goal < 400 MB whatever the
 * file's size), messages per second, and the run's wall time as a ratio to one plain sequential
 * read of the same file (the I/O floor).
 *
 * The mailbox is mixed the way a Google Takeout export is: short human mail, HTML newsletters,
 * bounces and auto-replies, mail with attachments (base64 lines) and a few very large ones,
 * ">From " escapes, CRLF and LF line ends, and one message over the parser's 25 MB limit (a
 * per-item error). Sizes and kinds come from a seeded generator: the same file on every run.
 * BENCH_MBOX_BYTES sets another size.
 */
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { type CliRun, requireCli, runCli } from './batch';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TARGET_BYTES = Number(process.env.BENCH_MBOX_BYTES ?? 2 * 1024 ** 3);
const RSS_GOAL_MB = 400;
/** Which message is the one over the parser's limit. */
const OVERSIZED_AT = 5000;

/** mulberry32: a small seeded generator, so the mailbox is the same on every run. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = createRandom(20250304);
const between = (low: number, high: number) => Math.floor(low + random() * (high - low));
const pick = <T>(items: T[]): T => {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick needs a non-empty list');
  return item;
};

/** 16 MB of seeded bytes; attachments are base64 windows of it. */
const BLOCK = (() => {
  const words = new Uint32Array(4 * 1024 * 1024);
  for (let i = 0; i < words.length; i++) words[i] = Math.floor(random() * 4294967296);
  return Buffer.from(words.buffer);
})();

const WORDS =
  'the fleet tracker pilot price quote depot driver route install team week meeting call budget vendor contract renewal question thanks regards sounds good next steps schedule demo trial support'.split(
    ' ',
  );

function sentence(): string {
  const count = between(6, 18);
  const words = Array.from({ length: count }, () => pick(WORDS));
  const [first = '', ...rest] = words;
  return `${first.charAt(0).toUpperCase()}${first.slice(1)} ${rest.join(' ')}.`;
}

/** Text blocks are drawn from a pool built once: generating 2 GB of fresh words would take minutes. */
const POOL_SIZE = 48;
const paragraphPool = new Map<number, string[]>();

/** About `bytes` of prose, from a pool of variants per size class (powers of two). */
function paragraphs(bytes: number): string {
  const sizeClass = 2 ** Math.round(Math.log2(Math.max(256, bytes)));
  let pool = paragraphPool.get(sizeClass);
  if (!pool) {
    pool = Array.from({ length: POOL_SIZE }, () => buildParagraphs(sizeClass));
    paragraphPool.set(sizeClass, pool);
  }
  return pick(pool);
}

function buildParagraphs(bytes: number): string {
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const line = Array.from({ length: between(2, 6) }, sentence).join(' ');
    lines.push(line, '');
    size += line.length + 2;
  }
  return lines.join('\n');
}

function htmlBody(bytes: number): string {
  return `<html><body>${paragraphs(bytes)
    .split('\n\n')
    .map((p) => `<p style="margin:0 0 12px 0">${p}</p>`)
    .join('\n')}</body></html>`;
}

/** The seeded block as base64 in 76-character lines (57 bytes each), encoded once. */
const BLOCK_LINES = BLOCK.toString('base64').replace(/.{76}/g, '$&\n');
const LINE_CHARS = 77;
const BLOCK_LINE_COUNT = Math.floor(BLOCK.length / 57);

/** Base64 of about `bytes` seeded bytes, in 76-character lines: a window of the encoded block. */
function base64Lines(bytes: number): string {
  const lines = Math.ceil(bytes / 57);
  const parts: string[] = [];
  for (let left = lines; left > 0; ) {
    const take = Math.min(left, BLOCK_LINE_COUNT);
    const first = between(0, BLOCK_LINE_COUNT - take + 1);
    parts.push(BLOCK_LINES.slice(first * LINE_CHARS, (first + take) * LINE_CHARS - 1));
    left -= take;
  }
  return parts.join('\n');
}

let counter = 0;

function headers(from: string, subject: string, extra: string[] = []): string {
  counter++;
  const day = 1 + (counter % 28);
  return [
    `From: ${from}`,
    'To: Rep <rep@seller.example>',
    `Subject: ${subject}`,
    `Date: Tue, ${String(day).padStart(2, '0')} Oct 2024 ${String(counter % 24).padStart(2, '0')}:${String(counter % 60).padStart(2, '0')}:00 +0000`,
    `Message-ID: <bench-${counter}@mail.example>`,
    'MIME-Version: 1.0',
    ...extra,
  ].join('\n');
}

/** One message of the mix; its size in bytes is roughly `size`. */
function createMessage(): string {
  const roll = random();
  if (roll < 0.55) {
    const quote = paragraphs(between(500, 4000))
      .split('\n')
      .map((line) => `> ${line}`)
      .join('\n');
    return `${headers(`Dana ${counter} <dana${counter}@prospect.example>`, 'Re: Quick question about your fleet', ['Content-Type: text/plain; charset=utf-8'])}\n\n${paragraphs(between(200, 3000))}\nFrom the depot side, that works.\n\nOn Mon, Oct 7, 2024 at 9:00 AM Rep <rep@seller.example> wrote:\n${quote}\n`;
  }
  if (roll < 0.8) {
    const html = htmlBody(between(15_000, 70_000));
    return `${headers('Fleet Weekly <news@fleetweekly.example>', 'Fleet Weekly: this week in logistics', ['Precedence: bulk', 'List-Unsubscribe: <mailto:unsubscribe@fleetweekly.example>', 'Content-Type: multipart/alternative; boundary="alt"'])}\n\n--alt\nContent-Type: text/plain; charset=utf-8\n\n${paragraphs(between(2000, 6000))}\n--alt\nContent-Type: text/html; charset=utf-8\n\n${html}\n--alt--\n`;
  }
  if (roll < 0.85) {
    return `${headers('Mail Delivery System <MAILER-DAEMON@mx.seller.example>', 'Undelivered Mail Returned to Sender', ['Auto-Submitted: auto-replied', 'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"'])}\n\n--dsn\nContent-Type: text/plain\n\nThis is the mail system at host mx.seller.example.\n\nI'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.\n\n<gone${counter}@prospect.example>: 550 5.1.1 User unknown\n--dsn\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.seller.example\n\nFinal-Recipient: rfc822; gone${counter}@prospect.example\nAction: failed\nStatus: 5.1.1\n--dsn\nContent-Type: text/rfc822-headers\n\nFrom: Rep <rep@seller.example>\nSubject: Quick question about your fleet\n--dsn--\n`;
  }
  if (roll < 0.9) {
    return `${headers(`Sam ${counter} <sam${counter}@prospect.example>`, 'Automatic reply: Quick question about your fleet', ['Auto-Submitted: auto-replied', 'Content-Type: text/plain; charset=utf-8'])}\n\nI am out of the office until 14 October with limited access to email.\n`;
  }
  const large = roll > 0.998;
  const attachment = large ? between(5_000_000, 15_000_000) : between(60_000, 1_200_000);
  return `${headers(`Lee ${counter} <lee${counter}@prospect.example>`, 'Re: Quote for the pilot', ['Content-Type: multipart/mixed; boundary="mix"'])}\n\n--mix\nContent-Type: text/plain; charset=utf-8\n\n${paragraphs(between(300, 2000))}\n--mix\nContent-Type: application/pdf; name="quote-${counter}.pdf"\nContent-Disposition: attachment; filename="quote-${counter}.pdf"\nContent-Transfer-Encoding: base64\n\n${base64Lines(attachment)}\n--mix--\n`;
}

/** Writes the mailbox; returns how many messages it holds. */
async function writeMbox(file: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(file);
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', () => resolve())));
  let written = 0;
  let messages = 0;
  while (written < targetBytes) {
    let message = createMessage();
    // One message in the middle is over the parser's 25 MB limit: a per-item error, not a crash.
    if (messages === OVERSIZED_AT)
      message = `${headers('Big <big@prospect.example>', 'Huge attachment', ['Content-Type: multipart/mixed; boundary="mix"'])}\n\n--mix\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n${base64Lines(21_000_000)}\n--mix--\n`;
    // mboxrd: body lines that start with "From " (or ">From ") get one more ">". Only text mail
    // has such lines (base64 never does), so big messages skip the copy.
    if (message.length < 1_000_000) {
      message = message.replace(/^(>*From )/gm, '>$1');
      if (messages % 7 === 3) message = message.replace(/\n/g, '\r\n');
    }
    const chunk = `From sender${messages}@example.com Tue Oct  1 09:${String(messages % 60).padStart(2, '0')}:00 2024\n${message}\n`;
    await write(chunk);
    written += Buffer.byteLength(chunk);
    messages++;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return messages;
}

async function timeSequentialRead(file: string): Promise<number> {
  const start = performance.now();
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) void chunk;
  return performance.now() - start;
}

/** Reports the child's VmHWM (the whole process's, threads included) on file descriptor 3 as it exits: the exact peak, not a sample. */
const PEAK_HOOK = `data:text/javascript,${encodeURIComponent(
  'import { readFileSync, writeSync } from "node:fs"; process.on("exit", () => { try { const m = /VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8")); writeSync(3, (m ? m[1] : "") + "\\n"); } catch {} });',
)}`;

interface PeakRun extends CliRun {
  peakKb: number;
  sampledPeakKb: number;
}

/** Runs the CLI with the peak hook, and samples VmHWM too in case the hook cannot report (the peak is then a lower bound). */
async function runCliMeasured(args: string[]): Promise<PeakRun> {
  let sampledPeakKb = 0;
  let sampler: NodeJS.Timeout | undefined;
  const run = await runCli(
    args,
    {},
    {
      nodeArgs: ['--import', PEAK_HOOK],
      fd3: true,
      onSpawn: (pid) => {
        sampler = setInterval(() => {
          try {
            const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
            if (match) sampledPeakKb = Math.max(sampledPeakKb, Number(match[1]));
          } catch {
            // The child has exited.
          }
        }, 200);
      },
    },
  ).finally(() => clearInterval(sampler));
  // Worker threads load the hook too and report as they stop: the process's peak is the largest line.
  const reported = run.fd3
    .split('\n')
    .map(Number)
    .filter((kb) => kb > 0);
  return { ...run, peakKb: reported.length ? Math.max(...reported) : 0, sampledPeakKb };
}

export async function runMboxBench(): Promise<void> {
  requireCli();
  if (!existsSync('/proc/self/status')) throw new Error('This scenario reads peak RSS from /proc: it runs on Linux only.');
  const dir = mkdtempSync(join(tmpdir(), 'outreach-bench-mbox-'));
  try {
    const file = join(dir, 'takeout.mbox');
    const generateStart = performance.now();
    const messages = await writeMbox(file, TARGET_BYTES);
    const bytes = statSync(file).size;
    process.stdout.write(
      `generated ${(bytes / 1024 ** 3).toFixed(2)} GB, ${messages} messages in ${((performance.now() - generateStart) / 1000).toFixed(0)} s\n`,
    );
    const readMs = await timeSequentialRead(file);

    const out = join(dir, 'results.csv');
    const load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    const run = await runCliMeasured(['--data-dir', join(dir, 'data'), 'batch', 'classify', '--in', file, '--out', out, '--rules-only']);
    const summary = /Job \S+: (\w+), (\d+) done, (\d+) failed of (\d+)\./.exec(run.stderr);
    if (run.code !== 0 || !summary) throw new Error(`the CLI run failed (exit ${run.code}):\n${run.stderr.slice(-2000)}`);
    const [, status, done, failed, total] = summary;
    const peakMb = (run.peakKb || run.sampledPeakKb) / 1024;
    const log = join(dir, 'data', 'logs', 'outreach-desk.log');
    const logText = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const listed = /"message":"replies listed".*?"analysis":"([\w-]+)"/.exec(logText);
    /** A worker that stopped (its heap bound, a crash) hands the rest of the batch to the main thread. */
    const stopped = /"message":"reply analysis workers stopped[^"]*".*?"message":"([^"]*)"/.exec(logText);
    const rows: Array<[string, string]> = [
      ['mbox', `${(bytes / 1024 ** 3).toFixed(2)} GB, ${messages} messages (seeded Takeout-like mix)`],
      [
        'job',
        `${status}, ${done} done, ${failed} failed of ${total}${messages > OVERSIZED_AT ? '  (1 failed expected: one message is over the 25 MB limit)' : ''}`,
      ],
      [
        'peak RSS of the CLI',
        `${peakMb.toFixed(0)} MB  (goal < ${RSS_GOAL_MB} MB: ${peakMb < RSS_GOAL_MB ? 'met' : 'NOT met'}; ${run.peakKb ? 'VmHWM at exit' : 'sampled every 200 ms'})`,
      ],
      [
        'messages per second',
        `${(Number(total) / (run.wallMs / 1000)).toFixed(0)}  (${(run.wallMs / 1000).toFixed(1)} s end to end: scan, items, rules, CSV; load ${load.toFixed(1)} at the start)`,
      ],
      ['messages parsed on', `${listed?.[1] ?? 'not in the log'}  (a worker thread when the machine had an idle core)`],
      ['workers stopped mid-run', stopped ? `yes: ${stopped[1]}` : 'no'],
      ['wall time / one plain read', `${(run.wallMs / readMs).toFixed(1)}×  (a sequential read of the file took ${(readMs / 1000).toFixed(1)} s)`],
      ['results CSV', `${(statSync(out).size / 1024 ** 2).toFixed(1)} MB`],
    ];
    process.stdout.write(`${rows.map(([label, value]) => `${label.padEnd(32)}${value}`).join('\n')}\n`);
    if (Number(total) !== messages) throw new Error(`the job has ${total} items for ${messages} messages`);
    if (peakMb >= RSS_GOAL_MB) throw new Error(`peak RSS ${peakMb.toFixed(0)} MB is over the ${RSS_GOAL_MB} MB goal`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
