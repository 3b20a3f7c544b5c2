// The one entry of `flamegraph` and `tree`: every live block by stack at an
// instant (live-stacks.ts), only the steady-state leak sites' blocks at
// the instant `leaks` judges (leak-stacks.ts), or every block allocated up
// to an instant (--total).

import type { LiveStacksAt } from '../analyzers/live-stacks.js';
import { leakStacksAt, type LeakStacksOptions } from './leak-stacks.js';
import { allocatedStacksAt, liveStacksAt, type LiveStacksOptions } from './live-stacks.js';

export type StacksOptions =
  | ({ readonly leaksOnly?: false; readonly total?: false } & LiveStacksOptions)
  | ({ readonly leaksOnly: true } & LeakStacksOptions)
  | ({ readonly total: true } & Parameters<typeof allocatedStacksAt>[1]);

export function stacksAt(path: string, options: StacksOptions): Promise<LiveStacksAt> {
  if ('leaksOnly' in options && options.leaksOnly === true) return leakStacksAt(path, options);
  if ('total' in options && options.total === true) return allocatedStacksAt(path, options);
  return liveStacksAt(path, options as LiveStacksOptions);
}
