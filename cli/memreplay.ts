#!/usr/bin/env node
// memreplay's command line: argument parsing only; the work is in src/.

import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeCommand } from './commands/analyze.js';
import { reportCommand } from './commands/report.js';
import { statsCommand } from './commands/stats.js';
import { EXIT_USAGE } from './run-command.js';
import { protectStdinArgument } from './stdin-argument.js';

await yargs(protectStdinArgument(hideBin(process.argv)))
  .scriptName('memreplay')
  .usage('$0 <command> [options]\n\nReplay CPython allocation traces through an exact pymalloc model.')
  .command(statsCommand)
  .command(analyzeCommand)
  .command(reportCommand)
  .demandCommand(1, 'name a command: stats, analyze or report')
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
