// --quiet/-q, which every command that writes files takes: it silences what
// is only news ("Wrote FILE", progress); errors and warnings still print.

import type { Argv } from 'yargs';

export interface QuietArgs {
  quiet: boolean;
}

export function withQuietOption<T>(y: Argv<T>, describe = 'no "Wrote FILE" message on stderr (errors are still printed)'): Argv<T & QuietArgs> {
  return y.option('quiet', { alias: 'q', type: 'boolean', default: false, describe }) as Argv<T & QuietArgs>;
}

/** Say on stderr that a file was written, unless --quiet. */
export function reportWrote(args: QuietArgs, file: string): void {
  if (!args.quiet) process.stderr.write(`Wrote ${file}\n`);
}
