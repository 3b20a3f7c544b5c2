// `memreplay fleet submit TRACE|GLOB|URL... --run NAME`: one job per trace on
// the fleet's queue, with the options `check` takes (and the report's format).
// Submitting a trace again to the same run adds nothing.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '../../src/errors.js';
import { checkRunName } from '../../src/fleet/run-name.js';
import { REPORT_FORMATS, type ReportFormat } from '../../src/reports/report-files.js';
import { instantOptionsOf } from '../at-end-option.js';
import { traceInputs } from '../batch-options.js';
import { checkPolicyOf, withCheckPolicyOptions, type CheckPolicyArgs } from '../check-policy.js';
import { engineOf, withEngineOption, type EngineArgs } from '../engine-option.js';
import { growthOptionsOf, suppressionsOf, withLeakOptions } from '../leak-options.js';
import { wholeNumberOption } from '../number-options.js';
import { withQuietOption, type QuietArgs } from '../quiet-option.js';
import { EXIT_OK, runCommand } from '../run-command.js';
import { siteGroupingOf, withTopOption } from '../site-options.js';
import { pythonOption, traceFormatOption, withTraceOptions } from '../trace-options.js';

const REPORT_CHOICES = [...REPORT_FORMATS, 'none'] as const;
export const DEFAULT_ATTEMPTS = 3;

interface SubmitArgs extends CheckPolicyArgs, EngineArgs, QuietArgs {
  traces: string[];
  run: string;
  reports: ReportFormat | 'none';
  attempts?: string;
}

export const fleetSubmitCommand: CommandModule<object, SubmitArgs> = {
  command: 'submit <traces..>',
  describe: 'queue one job per trace (files on a shared file system, globs, http(s) URLs) for the fleet workers',
  builder: (y: Argv) =>
    withCheckPolicyOptions(
      withTopOption(withLeakOptions(withTraceOptions(withQuietOption(withEngineOption(y), 'no summary line on stderr')), 'not for submit: give it to fleet report'), 'sites per trace in --json besides the failing ones'),
    )
      .positional('traces', {
        type: 'string',
        array: true,
        demandOption: true,
        describe: 'trace files, directories of traces, globs (quote them), or http(s):// URLs (presigned object-store URLs work)',
      })
      .option('run', { type: 'string', demandOption: true, describe: 'the run the traces belong to (fleet status / fleet report name it)' })
      .option('reports', { type: 'string', choices: REPORT_CHOICES, default: 'html', describe: "each trace's report, rendered by the worker (none: the check only)" })
      .option('attempts', { type: 'string', describe: `tries of a job whose worker failed other than on bad input (default ${DEFAULT_ATTEMPTS})` }) as unknown as Argv<SubmitArgs>,
  handler: (args: ArgumentsCamelCase<SubmitArgs>) =>
    runCommand(async () => {
      if (args.genSuppressions !== undefined) throw new UsageError('--gen-suppressions is for fleet report, where the run is judged');
      const engine = engineOf(args);
      const run = checkRunName(args.run);
      const attempts = wholeNumberOption('attempts', args.attempts, 1) ?? DEFAULT_ATTEMPTS;
      const { options } = checkPolicyOf(args);
      const inputs = await traceInputs(args.traces);
      const suppressions = suppressionsOf(args);
      const reports = args.reports === 'none' ? null : args.reports;
    // Loaded here, not at the top: BullMQ and its Redis client cost 20 MB that no other command should pay.
      const { submitTraces } = await import('../../src/fleet/submit.js');
      const outcome = await submitTraces({
        engine,
        run,
        inputs,
        cwd: process.cwd(),
        attempts,
        runOptions: { check: options, reports },
        check: { leaks: options.leaks, budgets: options.budgets, rules: { allowNoVerdict: options.allowNoVerdict } },
        report:
          reports === null
            ? null
            : {
                format: reports,
                // What `report` would be given: its own flags, not the check's config.
                options: {
                  trace: { python: pythonOption(args.python), format: traceFormatOption(args), lenient: args.lenient },
                  sites: siteGroupingOf(args),
                  instant: instantOptionsOf(args),
                  growth: growthOptionsOf(args, suppressions),
                  whatIf: [],
                },
              },
      });
      if (!args.quiet) {
        process.stderr.write(`run ${run}: ${outcome.added} job${outcome.added === 1 ? '' : 's'} added, ${outcome.already} already there; ${outcome.total} in the run\n`);
      }
      return EXIT_OK;
    }),
};
