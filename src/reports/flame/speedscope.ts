// Live stacks as a speedscope file (its documented JSON file format,
// https://www.speedscope.app/file-format-schema.json): one "sampled" profile
// per weight (requested bytes, bytes in blocks, blocks), each stack a sample
// of frame indexes oldest first with its weight, the frames shared. The
// profile of the chosen weight opens first. Frame text stays as the trace
// wrote it: it is JSON, and speedscope shows it as text.

import { parseFrame, fileAndLine } from '../../events/frame-text.js';
import { NO_STACK_FRAME } from '../../analyzers/call-tree.js';
import { STACK_WEIGHTS, weightOf, type LiveStacks, type StackWeight } from '../../analyzers/live-stacks.js';

export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

interface SpeedscopeFrame {
  name: string;
  file?: string;
  line?: number;
}

const PROFILE_NAMES: Record<StackWeight, string> = {
  requested: 'live requested bytes',
  'block-bytes': 'live bytes in blocks (size-class rounded)',
  blocks: 'live blocks',
};

export interface SpeedscopeOptions {
  /** The file's name in speedscope, e.g. the trace and the instant. */
  readonly name: string;
  /**
   * Said in the file's name and in every profile's name (what speedscope
   * shows above the graph): the trace is incomplete, the replay inexact
   * (stacks-heading.ts).
   */
  readonly warnings?: readonly string[];
  readonly exporter: string;
  readonly weight: StackWeight;
}

export function speedscopeFile(live: LiveStacks, options: SpeedscopeOptions): string {
  const frames: SpeedscopeFrame[] = [];
  const index = new Map<string, number>();
  const frameIndex = (text: string): number => {
    let i = index.get(text);
    if (i === undefined) {
      i = frames.length;
      const f = parseFrame(text);
      frames.push(text === NO_STACK_FRAME || f.file === '' ? { name: text } : { name: f.func === '' ? fileAndLine(f) : f.func, file: f.file, ...(f.line > 0 ? { line: f.line } : {}) });
      index.set(text, i);
    }
    return i;
  };
  const samples = live.stacks.map((s) => (s.frames.length === 0 ? [NO_STACK_FRAME] : s.frames).map(frameIndex));
  const warned = (name: string): string => [name, ...(options.warnings ?? []).map((w) => `warning: ${w}`)].join(' — ');
  const profiles = STACK_WEIGHTS.map((weight) => {
    const weights = live.stacks.map((s) => weightOf(s, weight));
    return {
      type: 'sampled',
      name: warned(PROFILE_NAMES[weight]),
      unit: weight === 'blocks' ? 'none' : 'bytes',
      startValue: 0,
      endValue: weightOf(live.total, weight),
      samples,
      weights,
    };
  });
  return JSON.stringify({
    $schema: SPEEDSCOPE_SCHEMA,
    name: warned(options.name),
    exporter: options.exporter,
    activeProfileIndex: STACK_WEIGHTS.indexOf(options.weight),
    shared: { frames },
    profiles,
  }) + '\n';
}
