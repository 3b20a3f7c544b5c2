#!/usr/bin/env node
// memreplay's command line: argument parsing only; the work is in src/.

import type { CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
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

// Each command's module is loaded only when it is needed: a command named on
// the command line loads its own alone (the others' imports, the HTML
// report's and the fleet's queue client among them, cost more CPU than Node's
// own start-up); the list of commands (--help, no command, an unknown one)
// loads them all. In --help's order.
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  stats: async () => (await import('./commands/stats.js')).statsCommand as CommandModule,
  analyze: async () => (await import('./commands/analyze.js')).analyzeCommand as CommandModule,
  leaks: async () => (await import('./commands/leaks.js')).leaksCommand as CommandModule,
  check: async () => (await import('./commands/check.js')).checkCommand as CommandModule,
  report: async () => (await import('./commands/report.js')).reportCommand as CommandModule,
  diff: async () => (await import('./commands/diff.js')).diffCommand as CommandModule,
  record: async () => (await import('./commands/record.js')).recordCommand as CommandModule,
  convert: async () => (await import('./commands/convert.js')).convertCommand as CommandModule,
  flamegraph: async () => (await import('./commands/flamegraph.js')).flamegraphCommand as CommandModule,
  tree: async () => (await import('./commands/tree.js')).treeCommand as CommandModule,
  fleet: async () => (await import('./commands/fleet.js')).fleetCommand as CommandModule,
};

/** The name of the command named on the command line, if any. */
function commandIn(argv: readonly string[]): string | undefined {
  // Options before the command are --help and --version only, neither with a value.
  const first = argv.find((a) => !a.startsWith('-'));
  return first !== undefined && Object.hasOwn(COMMANDS, first) ? first : undefined;
}

/** The command modules yargs is given: the one named, none for a bare --version, else all. */
async function commandsFor(name: string | undefined, argv: readonly string[]): Promise<CommandModule[]> {
  if (name !== undefined) return [await COMMANDS[name]!()];
  if (argv.length === 1 && argv[0] === '--version') return [];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}

/** The help to point a usage error at: the command's own when one was named. */
function helpFor(name: string | undefined): string {
  return name ? `memreplay ${name} --help` : 'memreplay --help';
}

const raw = hideBin(process.argv);
const named = commandIn(protectStdinArgument(raw));
const commands = await commandsFor(named, raw);
const valueOptions = named ? valueOptionsOf(commands[0]!) : new Set<string>();
// Values joined first, so that only a `-` that is no option's value is the standard-input trace.
const argv = protectStdinArgument(joinDashValues(raw, (name) => valueOptions.has(name)));
let cli = yargs(argv)
  .scriptName('memreplay')
  .usage('$0 <command> [options]\n\nReplay CPython allocation traces through an exact pymalloc model.');
cli = withMaxMemoryOption(cli);
for (const command of commands) cli = cli.command(withHonestHelp(command));
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
    process.stderr.write(`memreplay: ${usageMessage(message, named)}\nRun '${helpFor(named)}' for usage.\n`);
    process.exit(EXIT_USAGE);
  })
  .parseAsync();
