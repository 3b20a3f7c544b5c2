#!/usr/bin/env node
// memreplay's command line: argument parsing only; the work is in src/.

import type { CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeCommand } from './commands/analyze.js';
import { checkCommand } from './commands/check.js';
import { convertCommand } from './commands/convert.js';
import { diffCommand } from './commands/diff.js';
import { flamegraphCommand } from './commands/flamegraph.js';
import { fleetCommand } from './commands/fleet.js';
import { leaksCommand } from './commands/leaks.js';
import { recordCommand } from './commands/record.js';
import { reportCommand } from './commands/report.js';
import { statsCommand } from './commands/stats.js';
import { treeCommand } from './commands/tree.js';
import { MEMREPLAY_VERSION } from '../src/version.js';
import { EXIT_USAGE } from './run-command.js';
import { yargs } from './load-yargs.js';
import { protectStdinArgument } from './stdin-argument.js';
import { withHonestHelp } from './honest-help.js';
import { usageMessage } from './usage-message.js';
import { joinDashValues, valueOptionsOf } from './dash-values.js';
import { withMaxMemoryOption } from './memory-option.js';

/** Help width: $COLUMNS when set (as Python's shutil reads it), else the terminal's; 100 in a pipe; at most 110. */
function helpWidth(): number {
  const columns = Number(process.env['COLUMNS']);
  const width = Number.isInteger(columns) && columns > 0 ? columns : (process.stdout.columns ?? 100);
  return Math.min(110, width);
}

const COMMANDS = [statsCommand, analyzeCommand, leaksCommand, checkCommand, reportCommand, diffCommand, recordCommand, convertCommand, flamegraphCommand, treeCommand, fleetCommand];

/** The command named on the command line, if any. */
function commandIn(argv: readonly string[]): CommandModule | undefined {
  // Options before the command are --help and --version only, neither with a value.
  const first = argv.find((a) => !a.startsWith('-'));
  return COMMANDS.find((c) => commandName(c as CommandModule) === first) as CommandModule | undefined;
}

/** The help to point a usage error at: the command's own when one was named. */
function helpFor(command: CommandModule | undefined): string {
  return command ? `memreplay ${commandName(command)} --help` : 'memreplay --help';
}

function commandName(command: CommandModule): string {
  return String(command.command).split(' ')[0]!;
}

const raw = hideBin(process.argv);
const named = commandIn(protectStdinArgument(raw));
const valueOptions = named ? valueOptionsOf(named) : new Set<string>();
// Values joined first, so that only a `-` that is no option's value is the standard-input trace.
const argv = protectStdinArgument(joinDashValues(raw, (name) => valueOptions.has(name)));
let cli = yargs(argv)
  .scriptName('memreplay')
  .usage('$0 <command> [options]\n\nReplay CPython allocation traces through an exact pymalloc model.');
cli = withMaxMemoryOption(cli);
for (const command of COMMANDS) cli = cli.command(withHonestHelp(command as CommandModule));
await cli
  .demandCommand(1, 'name a command: stats, analyze, leaks, check, report, diff, record, convert, flamegraph, tree or fleet')
  .strict()
  .recommendCommands()
  .help()
  .alias('h', 'help')
  // memreplay's own version: yargs' default reads the package.json nearest the working directory.
  .version(MEMREPLAY_VERSION)
  .wrap(helpWidth())
  .fail((message, error) => {
    if (error) throw error;
    process.stderr.write(`memreplay: ${usageMessage(message, named && commandName(named))}\nRun '${helpFor(named)}' for usage.\n`);
    process.exit(EXIT_USAGE);
  })
  .parseAsync();
