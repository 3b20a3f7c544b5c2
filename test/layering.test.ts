// Folders are layers: a lower layer never imports a higher one and no two
// folders import each other (src/README.md). Read from the source itself by
// scripts/import-graph.mjs, with no list of exceptions.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { LAYERS, analyzeGraph, layerOf, layersHold, readImports } from '../scripts/import-graph.mjs';

interface Import {
  readonly from: string;
  readonly to: string;
  readonly specifier: string;
}
interface Graph {
  readonly edges: readonly { from: string; to: string; imports: number }[];
  readonly upLayer: readonly (Import & { fromLayer: string; toLayer: string })[];
  readonly mutualPairs: readonly [string, string][];
  readonly unplaced: readonly string[];
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const graphOf = (imports: readonly Import[]): Graph => analyzeGraph(imports) as Graph;
const imp = (from: string, to: string): Import => ({ from, to, specifier: '' });

describe("memreplay's own source", () => {
  const graph = graphOf(readImports(ROOT) as Import[]);

  test('has no import from a lower layer up to a higher one', () => {
    expect(graph.upLayer.map((u) => `${u.from} -> ${u.to} (${u.fromLayer} up to ${u.toLayer})`)).toEqual([]);
  });

  test('has no two folders that import each other', () => {
    expect(graph.mutualPairs.map(([a, b]) => `${a} <-> ${b}`)).toEqual([]);
  });

  test('has every folder placed in the layer table', () => {
    expect(graph.unplaced).toEqual([]);
    expect(layersHold(graph)).toBe(true);
  });

  test('is read whole: the cli reaches the drivers, and the report task registered by URL is an edge', () => {
    expect(graph.edges.length).toBeGreaterThan(20);
    expect(graph.edges.some((e) => e.from === 'cli' && e.to === 'run')).toBe(true);
  });

  test("src/README.md's layer table lists the layers of the script, in its order", () => {
    const readme = readFileSync(join(ROOT, 'src', 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    const documented = rows.map((row) => [...row.split('|')[2]!.matchAll(/`([^`]+)`/g)].map((m) => layerOf(m[1]!.startsWith('cli') ? 'cli/x.ts' : `src/${m[1]!.replace(/\/$/, '/x.ts')}`)));
    expect(documented).toEqual(LAYERS);
  });
});

describe('the import graph', () => {
  test('names a file directly in src/ after itself, a folder after its top folder, all of cli/ cli', () => {
    expect(layerOf('src/index.ts')).toBe('index');
    expect(layerOf('src/models/pymalloc/model.ts')).toBe('models');
    expect(layerOf('cli/commands/check.ts')).toBe('cli');
    expect(layerOf('test/x.test.ts')).toBeUndefined();
  });

  test('reports an import from a lower layer up to a higher one, and nothing for one going down', () => {
    const g = graphOf([imp('src/events/a.ts', 'src/replay/b.ts'), imp('src/replay/b.ts', 'src/events/c.ts')]);
    expect(g.upLayer.map((u) => [u.fromLayer, u.toLayer])).toEqual([['events', 'replay']]);
    expect(graphOf([imp('src/replay/b.ts', 'src/events/c.ts')]).upLayer).toEqual([]);
    expect(layersHold(g)).toBe(false);
  });

  test('reports two folders of one layer that import each other', () => {
    const g = graphOf([imp('src/batch/a.ts', 'src/record/b.ts'), imp('src/record/b.ts', 'src/batch/c.ts')]);
    expect(g.upLayer).toEqual([]);
    expect(g.mutualPairs).toEqual([['batch', 'record']]);
    expect(layersHold(g)).toBe(false);
  });

  test('reports a folder missing from the layer table', () => {
    const g = graphOf([imp('src/newstage/a.ts', 'src/events/b.ts')]);
    expect(g.unplaced).toEqual(['newstage']);
    expect(layersHold(g)).toBe(false);
  });

  describe('reads every form of import', () => {
    const root = mkdtempSync(join(tmpdir(), 'memreplay-layering-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    test('static, re-export, side effect, dynamic import() and new URL(…, import.meta.url)', () => {
      const files: Record<string, string> = {
        'src/events/e.ts': 'export const e = 1;\n',
        'src/events/f.ts': 'export const f = 1;\n',
        'src/events/g.ts': 'export const g = 1;\n',
        'src/events/h.ts': 'export const h = 1;\n',
        'src/events/i.ts': 'export const i = 1;\n',
        'src/replay/r.ts': [
          "import {\n  e,\n} from '../events/e.js';",
          "export { f } from '../events/f.js';",
          "import '../events/g.js';",
          "const h = await import('../events/h.js');",
          "const worker = new URL('../events/i.js', import.meta.url);",
          "import { readFileSync } from 'node:fs';",
        ].join('\n'),
      };
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), text);
      }
      const imports = readImports(root) as Import[];
      expect(imports.map((i) => i.to).sort()).toEqual(['src/events/e.ts', 'src/events/f.ts', 'src/events/g.ts', 'src/events/h.ts', 'src/events/i.ts']);
      expect(graphOf(imports).edges).toEqual([{ from: 'replay', to: 'events', imports: 5 }]);
    });
  });
});
