/**
 * `npm run bench`: runs each scenario in order and prints its results. Scenarios are timed
 * against loopback fakes and report ratios, so the numbers compare like with like on any machine.
 */
import { runBatchBench, runReplyCostBench, runRulesOnlyBench } from './batch';
import { runLlmOverhead } from './llm-overhead';
import { runStartupBench } from './startup';
import { runMboxBench } from './mbox';
import { runStorageBench } from './storage';
import { runTeamBench } from './team';

interface Scenario {
  name: string;
  run(): Promise<void>;
}

const scenarios: Scenario[] = [
  { name: 'llm-overhead', run: runLlmOverhead },
  { name: 'batch', run: runBatchBench },
  { name: 'classify-rules-only', run: runRulesOnlyBench },
  { name: 'reply-cost', run: runReplyCostBench },
  { name: 'storage', run: runStorageBench },
  { name: 'startup', run: runStartupBench },
  { name: 'mbox', run: runMboxBench },
  { name: 'team', run: runTeamBench },
];

const only = process.argv.slice(2);
let failed = false;
for (const scenario of scenarios) {
  if (only.length && !only.includes(scenario.name)) continue;
  process.stdout.write(`\n== ${scenario.name} ==\n`);
  try {
    await scenario.run();
  } catch (error) {
    failed = true;
    process.stderr.write(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
