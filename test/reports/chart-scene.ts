// What a chart draws, with where vega put it: the chart is compiled and laid
// out by vega headless (with the report's text widths) and its scene graph
// walked, in chart pixels. Lets tests check the layout (no two labels
// overlap, legend swatches look like the lines) without a browser.

import { parse, View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compileChart } from '../../src/reports/html/render-chart.js';

export interface SceneItem {
  readonly marktype: string;
  /** The role of its mark ("axis-label", "legend-symbol", "mark"...). */
  readonly role: string;
  /** The name vega-lite gave its mark ("concat_1_layer_4_marks"). */
  readonly mark: string;
  readonly text: string | null;
  /** A number for the group item it is drawn in (the items of one axis, one legend... share it). */
  readonly group: number;
  /** Bounds in chart pixels. */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** The item as vega holds it (fill, stroke, opacity, shape...). */
  readonly item: Readonly<Record<string, unknown>>;
}

interface SceneNode {
  marktype?: string;
  role?: string;
  name?: string;
  items?: SceneNode[];
  x?: number;
  y?: number;
  text?: unknown;
  bounds?: { x1: number; y1: number; x2: number; y2: number };
}

export async function sceneItems(spec: TopLevelSpec): Promise<SceneItem[]> {
  const view = new View(parse(compileChart(spec).vega), { renderer: 'none' });
  await view.runAsync();
  const out: SceneItem[] = [];
  let groups = 0;
  const walk = (node: SceneNode, dx: number, dy: number, group: number): void => {
    for (const item of node.items ?? []) {
      if (node.marktype === undefined) {
        walk(item, dx, dy, group);
        continue;
      }
      const b = item.bounds ?? { x1: 0, y1: 0, x2: 0, y2: 0 };
      out.push({
        marktype: node.marktype,
        role: node.role ?? '',
        mark: node.name ?? '',
        text: item.text === undefined ? null : String(item.text),
        group,
        x1: b.x1 + dx,
        y1: b.y1 + dy,
        x2: b.x2 + dx,
        y2: b.y2 + dy,
        item: item as Record<string, unknown>,
      });
      if (node.marktype === 'group') walk(item, dx + (item.x ?? 0), dy + (item.y ?? 0), ++groups);
    }
  };
  walk((view.scenegraph() as unknown as { root: SceneNode }).root, 0, 0, 0);
  view.finalize();
  return out;
}

/** The texts a chart shows (not empty, not transparent). */
export function drawnTexts(items: readonly SceneItem[]): SceneItem[] {
  return items.filter((i) => i.marktype === 'text' && i.text !== null && i.text !== '' && i.item['opacity'] !== 0);
}

/** Pairs of items whose boxes overlap by more than `tolerance` pixels each way. */
export function overlapping(items: readonly SceneItem[], tolerance = 0.5): [SceneItem, SceneItem][] {
  const pairs: [SceneItem, SceneItem][] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i]!;
      const b = items[j]!;
      if (Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1) > tolerance && Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1) > tolerance) pairs.push([a, b]);
    }
  }
  return pairs;
}
