// The runs of a compare, interleaved: in each round every input and mode runs
// once on each side, back to back, A first in even rounds and B first in odd
// ones. Interleaving puts both sides under the same load drift (a colleague's
// build starting, the machine warming); alternating cancels the bias of
// going first (a cold page cache, a CPU that has just idled).

import { roundOrder, type AbRun, type Side } from './ab-table.js';
import { measuredRun, type RunTarget } from './measured-run.js';
import type { CompareMode } from './options.js';

export interface RoundsPlan {
  sides: Record<Side, RunTarget>;
  inputs: readonly { name: string; path: string }[];
  modes: readonly CompareMode[];
  repeat: number;
  log: (line: string) => void;
}

export function runRounds(p: RoundsPlan): AbRun[] {
  const runs: AbRun[] = [];
  for (let round = 0; round < p.repeat; round++) {
    for (const input of p.inputs) {
      for (const mode of p.modes) {
        for (const side of roundOrder(round)) {
          const cost = measuredRun(p.sides[side], mode, input.path);
          runs.push({ side, input: input.name, mode, round, ...cost });
          p.log(
            `  round ${round + 1}/${p.repeat}  ${side}  ${mode.padEnd(7)} ${input.name.padEnd(17)} ` +
              `${cost.wallSeconds.toFixed(2).padStart(7)} s  CPU ${cost.cpuSeconds.toFixed(2).padStart(6)} s  ${(cost.peakRssBytes / 1e6).toFixed(0).padStart(5)} MB`,
          );
        }
      }
    }
  }
  return runs;
}
