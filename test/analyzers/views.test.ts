// Analyzers read a replay through the read-only views (src/replay/replay-view.ts,
// src/models/pymalloc/pymalloc-view.ts), never through the classes that run
// it: the rule is read from the source, as the layering test reads layers.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { readImports } from '../../scripts/import-graph.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Modules that hold the replay's mutable machinery. */
const MACHINERY = [
  'src/replay/replayer.ts',
  'src/replay/interpreter-state.ts',
  'src/replay/pool-blocks.ts',
  'src/replay/live-blocks.ts',
  'src/models/pymalloc/pymalloc-model.ts',
];
/** The classes themselves, wherever a module re-exports them from. */
const CLASSES = ['Replayer', 'PymallocModel', 'InterpreterState', 'PoolBlocks', 'LiveBlocks', 'ArenaFeed', 'Anomalies', 'HighWater', 'AddressCheck'];

interface Import {
  readonly from: string;
  readonly to: string;
}

/** Imports by an analyzer of a machinery module: "from -> to". */
function machineryImports(imports: readonly Import[]): string[] {
  return imports.filter((i) => i.from.startsWith('src/analyzers/') && MACHINERY.includes(i.to)).map((i) => `${i.from} -> ${i.to}`);
}

/** Names of the classes a file's `import { … }` / `export { … } from` clauses bring in. */
function classesNamed(text: string): string[] {
  const found: string[] = [];
  for (const clause of text.matchAll(/\b(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\b/g)) {
    for (const part of clause[1]!.split(',')) {
      const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!;
      if (CLASSES.includes(name)) found.push(name);
    }
  }
  return found;
}

describe('the analyzers', () => {
  const imports = readImports(ROOT) as Import[];
  const analyzerFiles = [...new Set(imports.filter((i) => i.from.startsWith('src/analyzers/')).map((i) => i.from))];

  test('are read whole: the source has analyzers, and they import the views', () => {
    expect(analyzerFiles.length).toBeGreaterThan(10);
    expect(imports.some((i) => i.from.startsWith('src/analyzers/') && i.to === 'src/replay/replay-view.ts')).toBe(true);
    expect(imports.some((i) => i.from.startsWith('src/analyzers/') && i.to === 'src/models/pymalloc/pymalloc-view.ts')).toBe(true);
  });

  test('import no module of the replay machinery (the replayer, its stores, the pymalloc model)', () => {
    expect(machineryImports(imports)).toEqual([]);
  });

  test('import none of the machinery classes by name, from any module', () => {
    const named = analyzerFiles.flatMap((f) => classesNamed(readFileSync(join(ROOT, f), 'utf8')).map((c) => `${f}: ${c}`));
    expect(named).toEqual([]);
  });
});

describe('the rule', () => {
  test('flags an analyzer that imports the replayer or the model, and nothing else', () => {
    expect(
      machineryImports([
        { from: 'src/analyzers/x.ts', to: 'src/replay/replayer.ts' },
        { from: 'src/analyzers/x.ts', to: 'src/models/pymalloc/pymalloc-model.ts' },
        { from: 'src/analyzers/x.ts', to: 'src/replay/replay-view.ts' },
        { from: 'src/run/y.ts', to: 'src/replay/replayer.ts' },
      ]),
    ).toEqual(['src/analyzers/x.ts -> src/replay/replayer.ts', 'src/analyzers/x.ts -> src/models/pymalloc/pymalloc-model.ts']);
  });

  test('finds the classes in every spelling of an import clause', () => {
    const text = [
      "import type { Replayer } from '../replay/replay-trace.js';",
      "import { type PymallocModel as M, NOT_PYMALLOC } from '../models/pymalloc/pymalloc-view.js';",
      "import {\n  ReplayView,\n  LiveBlocks,\n} from '../replay/replay-view.js';",
      "export type { ArenaFeed } from '../replay/arena-feed.js';",
      "import type { ArenaFeedView, ReplayObserver } from '../replay/replay-view.js';",
    ].join('\n');
    expect(classesNamed(text)).toEqual(['Replayer', 'PymallocModel', 'LiveBlocks', 'ArenaFeed']);
  });
});
