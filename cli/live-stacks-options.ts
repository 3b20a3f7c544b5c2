// Options of the commands that show live blocks by full stack (flamegraph,
// tree): which instant (the footprint high-water mark by default, a mark, an
// event, or the end) and what a frame's size measures.

import type { Argv } from 'yargs';
import { STACK_WEIGHTS, type StackWeight } from '../src/analyzers/live-stacks.js';
import type { StacksInstant } from '../src/analyzers/live-stacks.js';
import type { StacksOptions } from '../src/run/stacks.js';
import { wholeNumberOption } from './number-options.js';
import { traceOptionsOf, type TraceArgs } from './trace-options.js';

export interface LiveStacksArgs extends TraceArgs {
  at?: string;
  atEvent?: string;
  atEnd?: boolean;
  leaks?: boolean;
  total?: boolean;
  weight: string;
}

export function withLiveStacksOptions<T>(y: Argv<T>): Argv<T & LiveStacksArgs> {
  return y
    .option('at', { type: 'string', describe: 'the blocks live at the first mark with this label (default: at the footprint high-water mark)' })
    .option('at-event', { type: 'string', describe: 'the blocks live right after this event (1-based)' })
    .option('at-end', { type: 'boolean', describe: 'the blocks live at the end of the trace' })
    .conflicts('at', ['at-event', 'at-end'])
    .conflicts('at-event', ['at-end', 'leaks'])
    .option('leaks', {
      type: 'boolean',
      describe: "only the blocks of the sites `memreplay leaks` calls steady-state leaks, at its instant (the stats mark when the trace has one, else the end; --at, --at-end)",
    })
    .option('total', {
      type: 'boolean',
      describe: 'every block allocated up to the instant, freed or not, instead of the live ones (default instant: the end of the trace): who allocates most in total',
    })
    .conflicts('total', 'leaks')
    .option('weight', {
      type: 'string',
      choices: [...STACK_WEIGHTS],
      default: 'requested',
      describe: 'what a frame measures: requested bytes, bytes in blocks (pymalloc size-class rounded), or blocks',
    }) as Argv<T & LiveStacksArgs>;
}

export function stacksInstantOf(args: LiveStacksArgs): StacksInstant {
  const event = wholeNumberOption('at-event', args.atEvent, 1);
  if (args.at !== undefined) return { kind: 'mark', label: args.at };
  if (event !== undefined) return { kind: 'event', event };
  if (args.atEnd === true) return { kind: 'end' };
  return { kind: 'footprint-peak' };
}

/** The driver's options: the trace options, the instant, and whether only the leak sites' blocks count (--leaks). */
export function stacksOptionsOf(args: LiveStacksArgs): StacksOptions {
  const common = { trace: traceOptionsOf(args) };
  if (args.total === true) {
    const instant = stacksInstantOf(args);
    // Totals only grow: their "peak" is the end.
    return { ...common, total: true, instant: instant.kind === 'footprint-peak' || instant.kind === 'judged' ? { kind: 'end' } : instant };
  }
  if (args.leaks !== true) return { ...common, instant: stacksInstantOf(args) };
  const instant = args.at !== undefined ? { kind: 'mark' as const, label: args.at } : args.atEnd === true ? { kind: 'end' as const } : { kind: 'judged' as const };
  return { ...common, leaksOnly: true, instant };
}

export function weightOption(args: LiveStacksArgs): StackWeight {
  return args.weight as StackWeight;
}
