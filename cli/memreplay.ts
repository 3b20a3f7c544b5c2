#!/usr/bin/env node
// memreplay's command line: argument parsing only; the work is in src/.

import { createRequire } from 'node:module';
import type { Argv } from 'yargs';
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

// yargs 17's ES-module build lays out help with cliui's stand-in wrapper,
// which cuts lines every N characters, mid-word (yargs/yargs#2112); its
// CommonJS build wraps at word boundaries (wrap-ansi). Same API, same version.
const yargs = createRequire(import.meta.url)('yargs') as (args: string[]) => Argv;

/** Help width: $COLUMNS when set (as Python's shutil reads it), else the terminal's; 100 in a pipe; at most 110. */
function helpWidth(): number {
  const columns = Number(process.env['COLUMNS']);
  const width = Number.isInteger(columns) && columns > 0 ? columns : (process.stdout.columns ?? 100);
  return Math.min(110, width);
}

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
  .wrap(helpWidth())
  .fail((message, error) => {
    if (error) throw error;
    process.stderr.write(`memreplay: ${message}\nRun 'memreplay --help' for usage.\n`);
    process.exit(EXIT_USAGE);
  })
  .parseAsync();
