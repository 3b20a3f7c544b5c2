// `memreplay fleet worker`: run the fleet's jobs here until stopped. SIGTERM
// (or Ctrl-C) lets the jobs in hand finish and then exits; a second one exits
// at once, and the jobs in hand go back to the queue when their lock expires.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { realTraceRoots } from '../../src/fleet/trace-roots.js';
import { DEFAULT_LOCK_MS } from '../../src/fleet/lock-duration.js';
import { terminalSafe } from '../../src/text/units.js';
import { engineOf, withEngineOption, type EngineArgs } from '../engine-option.js';
import { wholeNumberOption } from '../number-options.js';
import { withQuietOption, type QuietArgs } from '../quiet-option.js';
import { EXIT_OK, runCommand } from '../run-command.js';

interface WorkerArgs extends EngineArgs, QuietArgs {
  concurrency?: string;
  traceRoot?: string[];
  lockMs?: string;
}

export const fleetWorkerCommand: CommandModule<object, WorkerArgs> = {
  command: 'worker',
  describe: 'run fleet jobs on this machine until stopped (SIGTERM finishes the jobs in hand)',
  builder: (y: Argv) =>
    withQuietOption(withEngineOption(y), 'no line per job on stderr (errors are still printed)')
      .option('concurrency', { type: 'string', describe: 'jobs at once, each in its own process (default 1; one per core is the most that helps)' })
      .option('trace-root', {
        type: 'string',
        array: true,
        describe: 'a directory traces may be read from (repeatable; default: the working directory); http(s) URLs are always read',
      })
      .option('lock-ms', { type: 'string', describe: `how long a job's lock lasts without renewal: how soon the job of a dead worker runs again (default ${DEFAULT_LOCK_MS})` }) as unknown as Argv<WorkerArgs>,
  handler: (args: ArgumentsCamelCase<WorkerArgs>) =>
    runCommand(async () => {
      const engine = engineOf(args);
      const concurrency = wholeNumberOption('concurrency', args.concurrency, 1) ?? 1;
      const lockMs = wholeNumberOption('lock-ms', args.lockMs, 100) ?? DEFAULT_LOCK_MS;
      const traceRoots = realTraceRoots(args.traceRoot ?? ['.']);
      const say = (text: string): void => {
        if (!args.quiet) process.stderr.write(`${text}\n`);
      };
    // Loaded here, not at the top: BullMQ and its Redis client cost 20 MB that no other command should pay.
      const { startFleetWorker } = await import('../../src/fleet/worker.js');
      const worker = await startFleetWorker({
        engine,
        concurrency,
        traceRoots,
        lockMs,
        onJob: ({ trace, ok, reason }) => say(ok ? `done ${terminalSafe(trace, 120)}` : `failed ${terminalSafe(trace, 120)}: ${reason ?? ''}`),
        onHandedBack: (id) => say(`handed back job ${id}: its worker stopped holding it`),
        onError: (e) => process.stderr.write(`memreplay: engine ${engine.shown}: ${e.message.split('\n')[0]}\n`),
      });
      say(`worker on ${engine.shown}: ${concurrency} at a time, traces under ${traceRoots.join(', ')}`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (): void => {
          if (stopping) {
            // The second signal: leave now; the jobs in hand are handed back when their lock expires.
            void worker.close(true).finally(resolve);
            return;
          }
          stopping = true;
          say('stopping: finishing the jobs in hand (signal again to leave them to another worker)');
          void worker.close(false).finally(resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      return EXIT_OK;
    }),
};
