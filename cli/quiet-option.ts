// --quiet/-q, which every command that writes files takes: it silences what
// is only news ("Wrote FILE", progress); errors and warnings still print.

import type { Argv } from 'yargs';
import { visibleControls } from '../src/text/visible-controls.js';

export interface QuietArgs {
  quiet: boolean;
}

export function withQuietOption<T>(y: Argv<T>, describe = 'no "Wrote FILE" message on stderr (errors are still printed)'): Argv<T & QuietArgs> {
  return y.option('quiet', { alias: 'q', type: 'boolean', default: false, describe }) as Argv<T & QuietArgs>;
}

/**
 * Say on stderr that a file was written (and `note` after it), unless
 * --quiet. A file name can hold control bytes: shown as escapes, never sent
 * to the terminal.
 */
export function reportWrote(args: { readonly quiet?: boolean }, file: string, note = ''): void {
  if (args.quiet !== true) process.stderr.write(`${wroteLine(file, note)}\n`);
}

/** "Wrote FILE" and `note`, the file name's control bytes as escapes: for commands that say it their own way (over a progress line). */
export function wroteLine(file: string, note = ''): string {
  return `Wrote ${visibleControls(file)}${note}`;
}
