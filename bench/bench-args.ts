// The benchmark scripts' command lines: `--help` prints the usage, and a
// wrong option is one line and the usage on stderr with exit 2, as the cli's
// own commands do, not node's parseArgs stack trace.

import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The values of `options` from the command line, or exit (0 after --help, 2 on a bad option). */
export function benchArgs<O extends Options>(options: O, usage: string): ReturnType<typeof parseArgs<{ options: O }>>['values'] {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    process.stdout.write(usage.endsWith('\n') ? usage : usage + '\n');
    process.exit(0);
  }
  try {
    return parseArgs({ options }).values;
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${usage.endsWith('\n') ? usage : usage + '\n'}`);
    process.exit(2);
  }
}
