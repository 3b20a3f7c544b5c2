#!/usr/bin/env node
// memreplay's command line: argument parsing only; the work is in src/.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeCommand } from './commands/analyze.js';
import { checkCommand } from './commands/check.js';
import { diffCommand } from './commands/diff.js';
import { leaksCommand } from './commands/leaks.js';
import { recordCommand } from './commands/record.js';
import { reportCommand } from './commands/report.js';
import { statsCommand } from './commands/stats.js';
import { EXIT_USAGE } from './run-command.js';
import { protectStdinArgument } from './stdin-argument.js';

await yargs(protectStdinArgument(hideBin(process.argv)))
  .scriptName('memreplay')
  .usage('$0 <command> [options]\n\nReplay CPython allocation traces through an exact pymalloc model.')
  .command(statsCommand)
  .command(analyzeCommand)
  .command(leaksCommand)
  .command(checkCommand)
  .command(reportCommand)
  .command(diffCommand)
  .command(recordCommand)
  .demandCommand(1, 'name a command: stats, analyze, leaks, check, report, diff or record')
  .strict()
  .recommendCommands()
  .help()
  .alias('h', 'help')
  .version()
  .wrap(Math.min(110, process.stdout.columns ?? 100))
  .fail((message, error) => {
    if (error) throw error;
    process.stderr.write(`memreplay: ${message}\nRun 'memreplay --help' for usage.\n`);
    process.exit(EXIT_USAGE);
  })
  .parseAsync();
