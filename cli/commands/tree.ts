// `memreplay tree TRACE`: the live blocks by call stack at one instant
// (default: the footprint high-water mark) as an indented tree in the
// terminal, pruned at a threshold.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { callTreeOf, DEFAULT_CALL_TREE_LIMITS } from '../../src/analyzers/call-tree.js';
import { UsageError } from '../../src/errors.js';
import { stacksHeading, stacksWarnings } from '../../src/reports/flame/stacks-heading.js';
import { formatCallTreeText } from '../../src/reports/flame/tree-text.js';
import { stacksOptionsOf, weightOption, withLiveStacksOptions, type LiveStacksArgs } from '../live-stacks-options.js';
import { stacksAt } from '../../src/run/stacks.js';
import { wholeNumberOption } from '../number-options.js';
import { stdoutWidth } from '../output-width.js';
import { runCommand, writeStdout } from '../run-command.js';
import { traceArgument } from '../stdin-argument.js';
import { withTraceOptions } from '../trace-options.js';

interface TreeArgs extends LiveStacksArgs {
  trace: string;
  threshold: string;
  maxFrames?: string;
}

/** Frames printed at most unless --max-frames says otherwise: a screenful or two. */
const DEFAULT_TREE_FRAMES = 100;

/** `1%`, `0.5%` or `0`: a share of the whole below 100%. */
export function thresholdOption(text: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)%?$/.exec(text.trim());
  if (m === null || Number(m[1]) >= 100) throw new UsageError(`--threshold ${JSON.stringify(text)}: expected a percentage below 100%, e.g. 1% or 0.5%`);
  return Number(m[1]) / 100;
}

export const treeCommand: CommandModule<object, TreeArgs> = {
  command: 'tree <trace>',
  describe: 'the live blocks by call stack at one instant (default: the footprint high-water mark) as an indented tree',
  builder: (y: Argv) =>
    withLiveStacksOptions(withTraceOptions(y))
      .positional('trace', { type: 'string', demandOption: true, describe: 'trace file (CSV or JSONL, optionally gzip), or - for stdin (with --at, --at-event or --at-end)' })
      .option('threshold', { type: 'string', default: '1%', describe: 'merge frames under this share of the whole into "other"' })
      .option('max-frames', { type: 'string', defaultDescription: String(DEFAULT_TREE_FRAMES), describe: 'print at most this many frames; the others are merged into "other"' }) as unknown as Argv<TreeArgs>,
  handler: (args: ArgumentsCamelCase<TreeArgs>) =>
    runCommand(async () => {
      const minFraction = thresholdOption(args.threshold);
      const maxFrames = wholeNumberOption('max-frames', args.maxFrames, 1) ?? DEFAULT_TREE_FRAMES;
      const result = await stacksAt(traceArgument(args.trace), stacksOptionsOf(args));
      const tree = callTreeOf(result.live, weightOption(args), { ...DEFAULT_CALL_TREE_LIMITS, maxFrames, minFraction });
      writeStdout(formatCallTreeText(tree, { heading: stacksHeading(result), warnings: stacksWarnings(result), minFraction, ...(stdoutWidth() !== undefined ? { width: stdoutWidth()! } : {}) }));
    }),
};
