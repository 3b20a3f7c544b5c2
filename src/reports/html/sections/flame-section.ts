// The flame graphs: the live blocks by full call stack at the footprint
// high-water mark, drawn as static SVG icicles (reports/flame/flame-svg.ts),
// one per weight. The switch between them is <details> elements, which need
// no script: requested bytes is open, the other two open on a click. Each
// graph is bounded (REPORT_FLAME_LIMITS in run/report.ts), so a trace of any
// size adds at most a few hundred frames per graph to the page.

import { unflattenCallTree } from '../../../analyzers/call-tree.js';
import type { ReportData, ReportFlame, ReportLeakFlame } from '../../../analyzers/report-data.js';
import { STACK_WEIGHTS, type StackWeight } from '../../../analyzers/live-stacks.js';
import { flameGraphSvg, flameSubtitle } from '../../flame/flame-svg.js';
import { bytes, count, instantHtml } from '../format.js';
import type { ReportSection } from '../section.js';

/** The page's content box (main: 1000 px less 2 x 24 px of padding): the graphs are drawn at that width, never scaled down on a wide window. */
const FLAME_WIDTH = 952;

const WEIGHT_TITLES: Record<StackWeight, string> = {
  requested: 'by requested bytes',
  'block-bytes': 'by bytes in pymalloc blocks (size-class rounded)',
  blocks: 'by blocks',
};

export const flameSection: ReportSection = {
  id: 'flame',
  title: 'Flame graphs',
  applies: (d) => hasBlocks(d.flame) || hasBlocks(d.leakFlame),
  charts: () => [],
  html: ({ data }) => [...(hasBlocks(data.flame) ? [flameHtml(data.flame!)] : []), ...(hasBlocks(data.leakFlame) ? [leakFlameHtml(data, data.leakFlame!)] : [])].join('\n'),
};

function hasBlocks(flame: ReportFlame | ReportLeakFlame | null | undefined): boolean {
  return flame !== undefined && flame !== null && (flame.trees.requested.nodes[0]?.blocks ?? 0) > 0;
}

/**
 * The steady-state leak sites' blocks by stack, at the report's instant: where
 * the leaking memory was allocated, whole stacks deep. Closed by default, one
 * <details> per weight as above.
 */
function leakFlameHtml(data: ReportData, flame: ReportLeakFlame): string {
  const graphs = STACK_WEIGHTS.map((weight) => {
    const tree = unflattenCallTree(flame.trees[weight]);
    const svg = flameGraphSvg(tree, {
      title: `Blocks of the steady-state leak sites ${WEIGHT_TITLES[weight]}`,
      subtitle: flameSubtitle(tree, 'file'),
      colourBy: 'file',
      rootName: 'all blocks of the leak sites',
      width: FLAME_WIDTH,
    });
    return `<details><summary>Leak sites ${WEIGHT_TITLES[weight]}</summary>\n<figure><div class="flame" data-flame="leaks-${weight}">${svg}</div></figure>\n</details>`;
  });
  return [
    `<h3>The steady-state leak sites</h3>`,
    `<p>The live blocks of the ${count(flame.leakSites, 'steady-state leak site')} the leak section lists, at ${instantHtml(flame)} (the instant the leak section judges${data.at.end ? ': the end' : ''}), by the full call stack that allocated them. ` +
      '<code>memreplay flamegraph --leaks</code> draws the same for every leak site.</p>',
    ...graphs,
  ].join('\n');
}

function flameHtml(flame: ReportFlame): string {
  const graphs = STACK_WEIGHTS.map((weight, i) => {
    const tree = unflattenCallTree(flame.trees[weight]);
    const svg = flameGraphSvg(tree, { title: `Live blocks ${WEIGHT_TITLES[weight]}`, subtitle: flameSubtitle(tree, 'file'), colourBy: 'file', width: FLAME_WIDTH });
    return `<details${i === 0 ? ' open' : ''}><summary>${WEIGHT_TITLES[weight]}</summary>\n<figure><div class="flame" data-flame="${weight}">${svg}</div></figure>\n</details>`;
  });
  return [
    `<p>The blocks live at the footprint high-water mark (${bytes(flame.footprintBytes)}, reached at ${instantHtml(flame)}), by the full call stack that allocated them: ` +
      'each frame sits under its caller and is as wide as its share of the whole; hover a frame for its figures. ' +
      'Small frames are merged into “other”; colours follow the file. <code>memreplay flamegraph</code> draws the same at any instant.</p>',
    ...graphs,
  ].join('\n');
}
