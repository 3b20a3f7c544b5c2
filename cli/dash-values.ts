// Option values that start with `-`. yargs takes `--top -1` as a value
// only because `-1` is a plain number; `--tolerance -5%` or `--at-event -5e3`
// become the option with no value and the flags -5 and -% ("Unknown
// arguments: 5, %"). Before parsing, a token that starts with `-` and a digit
// or a dot, following an option that takes a value, is joined to it
// (`--tolerance=-5%`): no memreplay flag looks like that, and the option's own
// check can then say what is wrong with the value as the user typed it.
// So is a lone `-` (`--folded -`: standard output), which would otherwise be
// taken for the standard-input trace argument (stdin-argument.ts).

import type { Argv, CommandModule } from 'yargs';
import { yargs } from './load-yargs.js';

const DASH_VALUE = /^-(?:[0-9.]|$)/;

/** `--name` or `-n` (not `--name=value`, not `-abc`): the option's name, else undefined. */
function optionName(token: string): string | undefined {
  const m = /^--([^=]+)$/.exec(token) ?? /^-([A-Za-z])$/.exec(token);
  return m?.[1];
}

/** argv with each dash-led value joined to the value-taking option before it; `--` ends options. */
export function joinDashValues(argv: readonly string[], takesValue: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return [...out, ...argv.slice(i)];
    const name = optionName(token);
    const next = argv[i + 1];
    if (name !== undefined && next !== undefined && DASH_VALUE.test(next) && takesValue(name)) {
      out.push(`${token}=${next}`);
      i++;
    } else {
      out.push(token);
    }
  }
  return out;
}

/** The options of a command that take a value (string options and their aliases), from its builder. */
export function valueOptionsOf(command: CommandModule): Set<string> {
  const scratch = yargs([]);
  const builder = command.builder;
  if (typeof builder === 'function') builder(scratch as Argv<object>);
  // getOptions() is yargs' own view of the declarations (not in its typings).
  const declared = (scratch as unknown as { getOptions(): { string: string[] } }).getOptions();
  return new Set(declared.string);
}
