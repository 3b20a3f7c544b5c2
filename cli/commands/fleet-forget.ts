// `memreplay fleet forget RUN`: remove a finished run (its jobs and results)
// from the engine.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { checkRunName } from '../../src/fleet/run-name.js';
import { engineOf, withEngineOption, type EngineArgs } from '../engine-option.js';
import { withQuietOption, type QuietArgs } from '../quiet-option.js';
import { EXIT_OK, runCommand } from '../run-command.js';

interface ForgetArgs extends EngineArgs, QuietArgs {
  run: string;
}

export const fleetForgetCommand: CommandModule<object, ForgetArgs> = {
  command: 'forget <run>',
  describe: "remove a run's jobs and results from the engine (refused while jobs run)",
  builder: (y: Argv) =>
    withQuietOption(withEngineOption(y), 'no summary line on stderr').positional('run', { type: 'string', demandOption: true, describe: 'the --run name given to fleet submit' }) as unknown as Argv<ForgetArgs>,
  handler: (args: ArgumentsCamelCase<ForgetArgs>) =>
    runCommand(async () => {
      const run = checkRunName(args.run);
    // Loaded here, not at the top: BullMQ and its Redis client cost 20 MB that no other command should pay.
      const { forgetRun } = await import('../../src/fleet/forget-run.js');
      const removed = await forgetRun(engineOf(args), run);
      if (!args.quiet) process.stderr.write(`run ${run}: forgotten (${removed} job${removed === 1 ? '' : 's'} removed)\n`);
      return EXIT_OK;
    }),
};
