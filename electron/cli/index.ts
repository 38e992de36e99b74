import type { Core } from '../core';
import { createLogger } from '../core/log';
import { defaultDataDir } from '../core/paths';
import type { Command } from './context';
import { messageOf, UsageError, type Output } from './io';

const HELP = `Outreach Desk: draft outreach sequences and triage replies with any LLM provider.

Usage: outreach-desk [--data-dir DIR] [--org ID] [--json] [--start-fresh] <command>

Commands:
  providers                                   providers, key status, default model, base URL
  models <provider> [--refresh]               catalog, or the vendor's live list merged with it
  test [<provider>] [--model M] [--prompt T]  connection test: provider, model, reply, usage, latency
  chat <provider> <prompt> [--model M] [--stream]
  generate --lead FILE.json --business FILE.json [--steps N] [--channels email,sms,whatsapp]
           [--delays 0,3,5] [--subjects] [--language L] [--provider P] [--model M] [--stream]
  classify (--reply FILE | -) [--original FILE] [--provider P] [--model M]
  settings get | settings set KEY=VALUE...    e.g. provider=groq model.groq=… baseUrl.openai=http://127.0.0.1:11434/v1
  keys set <provider> (key read from stdin) | keys remove <provider> | keys status
  usage [--since DATE] [--by day|provider|model|operation|user] [--csv]
  leads import FILE.csv [--encoding auto|utf-8|utf-16le|utf-16be|windows-1252] [--delimiter ','|';'|tab]
               [--map COLUMN=field ...] [--on-duplicate skip|update|keep]
                                              duplicates by email are skipped unless told otherwise
  leads list                                  every lead: id, name, email, company, job title
  batch generate --leads FILE.csv --business FILE.json --out FILE.csv [--provider P] [--concurrency N]
  batch classify --in DIR|FILE.mbox --out FILE.csv [--rules-only] [--recursive]
  jobs [list | resume ID | cancel ID]
  team init --url postgres://LOGIN@HOST:PORT/DB [--email E]   put this organization on a team hub (password on stdin)
  team connect --url postgres://LOGIN@HOST:PORT/DB            join your organization's hub (password on stdin)
  team status | team sync | team members | team invite EMAIL --role admin|member
  team set-role EMAIL admin|member | team remove EMAIL | team share-key PROVIDER | team disconnect [--force]

Providers: anthropic, openai, gemini, deepseek, groq, local.
Keys come from the OS keychain (keys set), else ANTHROPIC_API_KEY, OPENAI_API_KEY, GOOGLE_AI_API_KEY,
DEEPSEEK_API_KEY, GROQ_API_KEY. The data directory defaults to the desktop app's
(${defaultDataDir()}), or OUTREACH_DESK_DATA_DIR.
--start-fresh: when the database file is damaged, move it aside (nothing is deleted) and start a new one.
Exit codes: 0 success, 1 failed operation, 2 usage error. Errors print as error[<code>]: <message>.`;

/**
 * Each command's module, and the core, load when a command runs: `--help` or a typo loads
 * neither, and a command never waits for a vendor SDK it does not call (npm run bench -- startup).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  providers: async () => (await import('./commands/llm')).providersCommand,
  models: async () => (await import('./commands/llm')).modelsCommand,
  test: async () => (await import('./commands/llm')).testCommand,
  chat: async () => (await import('./commands/llm')).chatCommand,
  generate: async () => (await import('./commands/llm')).generateCommand,
  classify: async () => (await import('./commands/llm')).classifyCommand,
  settings: async () => (await import('./commands/admin')).settingsCommand,
  keys: async () => (await import('./commands/admin')).keysCommand,
  usage: async () => (await import('./commands/admin')).usageCommand,
  leads: async () => (await import('./commands/leads')).leadsCommand,
  batch: async () => (await import('./commands/batch')).batchCommand,
  jobs: async () => (await import('./commands/batch')).jobsCommand,
  team: async () => (await import('./commands/team')).teamCommand,
};

interface GlobalFlags {
  dataDir?: string;
  orgId?: string;
  json: boolean;
  help: boolean;
  startFresh: boolean;
  rest: string[];
}

/** Takes the global flags out of argv, wherever they stand. */
function takeGlobalFlags(argv: string[]): GlobalFlags {
  const flags: GlobalFlags = { json: false, help: false, startFresh: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === undefined) continue;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value.`);
      return v;
    };
    if (name === '--data-dir') flags.dataDir = value();
    else if (name === '--org') flags.orgId = value();
    else if (name === '--json') flags.json = true;
    else if (name === '--start-fresh') flags.startFresh = true;
    else if (name === '--help' || name === '-h') flags.help = true;
    else flags.rest.push(arg);
  }
  return flags;
}

export async function runCli(argv: string[]): Promise<number> {
  let flags: GlobalFlags;
  try {
    flags = takeGlobalFlags(argv);
  } catch (error) {
    process.stderr.write(`error[usage]: ${messageOf(error)}\n`);
    return 2;
  }
  const [name, ...args] = flags.rest;
  if (flags.help || !name || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return flags.help || name === 'help' ? 0 : 2;
  }
  const loadCommand = COMMANDS[name];
  if (!loadCommand) {
    process.stderr.write(`error[usage]: unknown command "${name}". See "outreach-desk --help".\n`);
    return 2;
  }
  const io: Output = {
    json: flags.json,
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  };
  let core: Core | null = null;
  let coreModule: typeof import('../core') | null = null;
  try {
    const [command, loaded] = await Promise.all([loadCommand(), import('../core')]);
    coreModule = loaded;
    const dataDir = flags.dataDir ?? defaultDataDir();
    core = await coreModule.createCore({
      dataDir,
      env: process.env,
      orgId: flags.orgId,
      program: 'cli',
      onCorrupt: flags.startFresh ? 'move-aside' : 'fail',
      // Errors name the command that fixes them, not a Settings screen.
      surface: 'cli',
      // Built beside this file (vite.node.config.mts).
      replyWorkerFile: new URL('./reply-worker.mjs', import.meta.url),
    });
    if (core.store.recoveredFrom) io.err(`The damaged database was moved to ${core.store.recoveredFrom}; started a new one.`);
    // Commands often end with `return io.out(…)`, whose value is no exit code: only a number is.
    const code = await command({ core, io }, args);
    return typeof code === 'number' ? code : 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error[usage]: ${error.message}\n`);
      return 2;
    }
    if (coreModule && error instanceof coreModule.CorruptDatabaseError) {
      process.stderr.write(`error[storage]: ${error.message} To do that, run the command again with --start-fresh.\n`);
      return 1;
    }
    // A failed operation (`core.invoke` throws the AppError its envelope carried): exit code 1.
    if (coreModule && error instanceof coreModule.AppError) {
      const data = error.toData('cli');
      process.stderr.write(`error[${data.code}]: ${data.message}\n`);
      return 1;
    }
    (core?.logger ?? createLogger()).error('cli command failed', { command: name, error });
    process.stderr.write('error[internal]: Something went wrong inside Outreach Desk. The details are in the log; please report it.\n');
    return 1;
  } finally {
    core?.close();
  }
}

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
