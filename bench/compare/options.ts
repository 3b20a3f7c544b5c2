// The options of `npm run bench -- --compare REF`, checked and given their
// defaults in one place (bench/run.ts only hands over what parseArgs read).

import { eventCount, listOption, wholeNumber } from '../option-values.js';

/** The commands an A/B compare runs: the user's, through each side's own CLI. */
export const COMPARE_MODES = ['analyze', 'leaks', 'report'] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];
/** mrt: the binary format, converted from the CSV once and cached beside it (as `npm run bench` does). */
export const COMPARE_FORMATS = ['csv', 'gz', 'mrt'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** Small enough that 3 modes x 2 sides x 3 rounds stay within minutes on a shared machine. */
export const DEFAULT_COMPARE_EVENTS = '1000000';

export interface CompareOptions {
  /** The git ref built as side A. */
  ref: string;
  modes: CompareMode[];
  /** Rounds: each runs every mode once on each side. */
  repeat: number;
  /** Synthetic trace sizes, smallest first. */
  events: number[];
  formats: CompareFormat[];
  seed: number;
  skipReal: boolean;
  oneCore: boolean;
  /** Overwrite today's reports/bench-compare-<date>.json. */
  force: boolean;
}

/** What parseArgs read (strings and booleans, absent when not given). */
export interface CompareValues {
  compare?: string | undefined;
  modes?: string | undefined;
  repeat?: string | undefined;
  events?: string | undefined;
  formats?: string | undefined;
  seed?: string | undefined;
  quick?: boolean | undefined;
  'skip-real'?: boolean | undefined;
  'one-core'?: boolean | undefined;
  force?: boolean | undefined;
}

export function parseCompareOptions(v: CompareValues): CompareOptions {
  const ref = (v.compare ?? '').trim();
  if (ref === '') throw new Error('--compare needs a git ref (a commit, branch or tag), e.g. --compare HEAD');
  const events = v.quick ? [1_000_000] : (v.events ?? DEFAULT_COMPARE_EVENTS).split(',').map(eventCount).sort((a, b) => a - b);
  return {
    ref,
    modes: listOption(v.modes, COMPARE_MODES, COMPARE_MODES, 'modes') as CompareMode[],
    repeat: wholeNumber(v.repeat ?? '3', 1, 99, 'repeat'),
    events: [...new Set(events)],
    formats: listOption(v.formats, ['csv'], COMPARE_FORMATS, 'formats') as CompareFormat[],
    seed: wholeNumber(v.seed ?? '1', 0, 0xffffffff, 'seed'),
    skipReal: v['skip-real'] === true,
    oneCore: v['one-core'] === true,
    force: v.force === true,
  };
}
