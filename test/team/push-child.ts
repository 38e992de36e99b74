/**
 * A desktop process for the kill -9 test: opens the core on a data folder that is already
 * connected, and syncs. After the first usage batch is committed on the hub, and before the
 * outbox forgets it, it says so on stdout and waits there for the parent's SIGKILL.
 */
import { createCore, KeyringSecretStore } from '../../electron/core';

const [dataDir, service] = process.argv.slice(2) as [string, string];
const core = await createCore({
  dataDir,
  secrets: new KeyringSecretStore(service),
  env: {},
  team: {
    push: {
      onUsageBatch: async (done) => {
        process.stdout.write(`committed ${done}\n`);
        await new Promise(() => undefined);
      },
    },
  },
});
await core.services.team.sync();
process.stdout.write('finished without a kill\n');
