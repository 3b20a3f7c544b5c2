// The one entry of `flamegraph` and `tree`: every live block by stack at an
// instant (live-stacks.ts), or only the steady-state leak sites' blocks at
// the instant `leaks` judges (leak-stacks.ts).

import type { LiveStacksAt } from '../analyzers/live-stacks.js';
import { leakStacksAt, type LeakStacksOptions } from './leak-stacks.js';
import { liveStacksAt, type LiveStacksOptions } from './live-stacks.js';

export type StacksOptions = ({ readonly leaksOnly?: false } & LiveStacksOptions) | ({ readonly leaksOnly: true } & LeakStacksOptions);

export function stacksAt(path: string, options: StacksOptions): Promise<LiveStacksAt> {
  return options.leaksOnly === true ? leakStacksAt(path, options) : liveStacksAt(path, options);
}
