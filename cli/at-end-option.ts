// --at-end for the commands that judge one instant of the whole trace
// (analyze, report), and --at/--at-end mapped into InstantOptions: the
// default instant is the trace's `stats` mark when it has one, else the end
// (src/options/instant-options.ts).

import type { Argv } from 'yargs';
import type { InstantOptions } from '../src/options/instant-options.js';

export interface AtEndArgs {
  atEnd?: boolean;
}

export function withAtEndOption<T>(y: Argv<T>, what: string): Argv<T & AtEndArgs> {
  return y.option('at-end', {
    type: 'boolean',
    describe: `${what} at the end of the trace, after the interpreter shutdown, even when the trace has a stats mark (default: the stats mark when the trace has it, else the end)`,
  }) as Argv<T & AtEndArgs>;
}

/** --at and --at-end as InstantOptions (src/options/instant-options.ts says what they mean). */
export function instantOptionsOf(args: { at?: string | undefined; atEnd?: boolean | undefined }): InstantOptions {
  return { at: args.at, atEnd: args.atEnd === true ? true : undefined };
}
