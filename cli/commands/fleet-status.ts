// `memreplay fleet status RUN`: done / failed / running / waiting, one line
// (or --json). Exit 0 whatever the run's state: it only looks.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { checkRunName } from '../../src/fleet/run-name.js';
import { engineOf, withEngineOption, type EngineArgs } from '../engine-option.js';
import { EXIT_OK, runCommand, writeStdout } from '../run-command.js';

interface StatusArgs extends EngineArgs {
  run: string;
  json: boolean;
}

export const fleetStatusCommand: CommandModule<object, StatusArgs> = {
  command: 'status <run>',
  describe: "a run's jobs: done, failed, running, waiting",
  builder: (y: Argv) =>
    withEngineOption(y)
      .positional('run', { type: 'string', demandOption: true, describe: 'the --run name given to fleet submit' })
      .option('json', { type: 'boolean', default: false, describe: 'print {"run", "total", "done", "failed", "running", "waiting"}' }) as unknown as Argv<StatusArgs>,
  handler: (args: ArgumentsCamelCase<StatusArgs>) =>
    runCommand(async () => {
      const run = checkRunName(args.run);
    // Loaded here, not at the top: BullMQ and its Redis client cost 20 MB that no other command should pay.
      const { progressText, runStatus } = await import('../../src/fleet/run-status.js');
      const progress = await runStatus(engineOf(args), run);
      writeStdout(args.json ? `${JSON.stringify({ run, ...progress })}\n` : `${progressText(run, progress)}\n`);
      return EXIT_OK;
    }),
};
