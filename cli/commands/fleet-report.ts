// `memreplay fleet report RUN -o DIR [--junit F] [--sarif F] [--json] [--wait]`:
// the run's results merged into what `check` prints and writes, and with -o
// the directory `report` writes (a report per trace and the index). Exit codes
// are check's: 0 passed, 1 a budget failed, 2 a trace failed or bad usage, 3 a
// bug. A run not finished is an error saying how many jobs remain, unless
// --wait.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { checkRunName } from '../../src/fleet/run-name.js';
import { refuseOutputTwice } from '../../src/io/same-file.js';
import { writeCheckOutputs } from '../../src/run/check-outputs.js';
import { engineOf, withEngineOption, type EngineArgs } from '../engine-option.js';
import { printCheckReport } from '../check-report-output.js';
import { withQuietOption, wroteLine, type QuietArgs } from '../quiet-option.js';
import { EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, runCommand } from '../run-command.js';

interface ReportArgs extends EngineArgs, QuietArgs {
  run: string;
  output?: string;
  junit?: string;
  sarif?: string;
  sourceRoot?: string;
  json: boolean;
  wait: boolean;
  force: boolean;
}

export const fleetReportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <run>',
  describe: "a run's results as one machine gives them: check's verdicts (text, --json, --junit, --sarif) and, with -o, the reports and their index",
  builder: (y: Argv) =>
    withQuietOption(withEngineOption(y), 'no progress and no "Wrote FILE" message on stderr (errors are still printed)')
      .positional('run', { type: 'string', demandOption: true, describe: 'the --run name given to fleet submit' })
      .option('output', { alias: 'o', type: 'string', describe: "write each trace's report and the index page to this directory" })
      .option('junit', { type: 'string', describe: 'write JUnit XML to FILE (a test case per trace and budget)' })
      .option('sarif', { type: 'string', describe: 'write SARIF 2.1.0 to FILE (a result per leak site, at its line)' })
      .option('source-root', { type: 'string', describe: 'repository root for SARIF and annotation paths (default: $GITHUB_WORKSPACE, else the working directory)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the check report as one JSON document (memreplay.check/1), as check --json does' })
      .option('wait', { type: 'boolean', default: false, describe: 'wait for the run to finish (progress on stderr) instead of failing while jobs remain' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite reports and --junit / --sarif files that exist' }) as unknown as Argv<ReportArgs>,
  handler: (args: ArgumentsCamelCase<ReportArgs>) =>
    runCommand(async () => {
      const run = checkRunName(args.run);
      const engine = engineOf(args);
      refuseOutputTwice([['--junit', args.junit], ['--sarif', args.sarif]]);
      const say = (text: string): void => {
        if (!args.quiet) process.stderr.write(`${text}\n`);
      };
      // While waiting, a line each time the count changes, not each time it is looked at.
      let lastProgress = '';
      const sayProgress = (text: string): void => {
        if (text !== lastProgress) say(text);
        lastProgress = text;
      };
    // Loaded here, not at the top: BullMQ and its Redis client cost 20 MB that no other command should pay.
      const [{ fleetReport }, { progressText }] = await Promise.all([import('../../src/fleet/fleet-report.js'), import('../../src/fleet/run-status.js')]);
      const outcome = await fleetReport({
        engine,
        run,
        wait: args.wait,
        outputDir: args.output,
        force: args.force,
        readFiles: [],
        onProgress: (p) => sayProgress(progressText(run, p)),
        onWrote: (path) => say(wroteLine(path)),
        onWriteFailure: (message) => process.stderr.write(`memreplay: ${message}\n`),
      });
      const { report } = outcome;
      for (const failure of report.failures) process.stderr.write(`memreplay: ${failure.error}\n`);
      const sourceRoot = args.sourceRoot ?? process.env['GITHUB_WORKSPACE'] ?? process.cwd();
      writeCheckOutputs(report, { junit: args.junit, sarif: args.sarif, force: args.force, sourceRoot }, { inputs: [], baseline: undefined }, (file) => say(wroteLine(file)));
      printCheckReport(report, { json: args.json, sourceRoot });
      if (outcome.internal) return EXIT_INTERNAL;
      if (report.failures.length > 0 || outcome.reports?.failed === true) return EXIT_USAGE;
      return report.passed ? EXIT_OK : EXIT_CHECK_FAILED;
    }),
};
