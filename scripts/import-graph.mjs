#!/usr/bin/env node
// The folder graph of memreplay's own source: which layer imports which, and
// every import that runs from a lower layer back up to a higher one.
//
//   node scripts/import-graph.mjs          human-readable
//   node scripts/import-graph.mjs --json   for machines
//
// Exit status: 0 when the layers hold (no up-layer import, no mutual pair),
// 1 when they do not. test/layering.test.ts runs the same functions.
//
// Read by regular expressions rather than the TypeScript compiler so the
// script needs no build and no dependency; it reads the relative specifiers of
// `import … from`, `export … from`, `import '…'`, `import('…')` and
// `new URL('…', import.meta.url)` (how batch tasks and workers are named).

import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The layers, top to bottom. A folder may import its own layer's peers and
 * any layer below it, never one above. Keep src/README.md's table in step.
 */
export const LAYERS = [
  ['cli', 'index'],
  ['fleet'],
  ['run'],
  ['batch', 'record'],
  ['io'],
  ['reports'],
  ['check'],
  ['analyzers'],
  ['replay'],
  ['options'],
  ['models'],
  ['import', 'suppressions'],
  ['memory-guard'],
  ['events', 'text'],
  ['errors', 'version', 'module-location'],
];

/** The folders the graph is drawn over, relative to the repository. */
export const ROOTS = ['src', 'cli'];

const SPECIFIER_PATTERNS = [
  /\bfrom\s*['"](\.{1,2}\/[^'"]*)['"]/g,
  /\bimport\s*['"](\.{1,2}\/[^'"]*)['"]/g,
  /\bimport\s*\(\s*['"](\.{1,2}\/[^'"]*)['"]\s*\)/g,
  /\bnew\s+URL\(\s*['"](\.{1,2}\/[^'"]*)['"]\s*,\s*import\.meta\.url\s*\)/g,
];

/** The layer a repository-relative file belongs to, or undefined outside ROOTS. */
export function layerOf(file) {
  const parts = file.split('/');
  if (parts[0] === 'cli') return 'cli';
  if (parts[0] !== 'src') return undefined;
  // A file directly in src/ is a layer of its own (index, errors, version, …).
  return parts.length === 2 ? parts[1].replace(/\.ts$/, '') : parts[1];
}

function listTypeScript(dir) {
  const files = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...listTypeScript(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** The source file a relative specifier names (`./x.js` is `./x.ts` before the build). */
function resolveSpecifier(root, fromFile, specifier) {
  const target = resolve(dirname(join(root, fromFile)), specifier);
  const candidates = [target.replace(/\.js$/, '.ts'), target, `${target}.ts`, join(target, 'index.ts')];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? candidates[0];
  return relative(root, found).split(sep).join('/');
}

/** Every relative import of every TypeScript file under ROOTS: {from, to, specifier}. */
export function readImports(root) {
  const imports = [];
  for (const top of ROOTS) {
    const dir = join(root, top);
    if (!existsSync(dir)) continue;
    for (const path of listTypeScript(dir)) {
      const from = relative(root, path).split(sep).join('/');
      const text = readFileSync(path, 'utf8');
      for (const pattern of SPECIFIER_PATTERNS) {
        for (const match of text.matchAll(pattern)) {
          imports.push({ from, to: resolveSpecifier(root, from, match[1]), specifier: match[1] });
        }
      }
    }
  }
  return imports;
}

/** The graph between layers: edges with counts, up-layer imports, mutual pairs, unplaced folders. */
export function analyzeGraph(imports, layers = LAYERS) {
  const rank = new Map();
  layers.forEach((group, i) => group.forEach((name) => rank.set(name, i)));
  const edges = new Map();
  const upLayer = [];
  const unplaced = new Set();
  let crossImports = 0;
  for (const imp of imports) {
    const fromLayer = layerOf(imp.from);
    const toLayer = layerOf(imp.to);
    if (toLayer === undefined || fromLayer === toLayer) continue;
    for (const l of [fromLayer, toLayer]) if (!rank.has(l)) unplaced.add(l);
    const key = `${fromLayer} -> ${toLayer}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
    crossImports++;
    // A smaller rank is a higher layer: importing one is importing upward.
    if (rank.has(fromLayer) && rank.has(toLayer) && rank.get(toLayer) < rank.get(fromLayer)) {
      upLayer.push({ ...imp, fromLayer, toLayer });
    }
  }
  const mutualPairs = [];
  for (const key of edges.keys()) {
    const [a, b] = key.split(' -> ');
    if (a < b && edges.has(`${b} -> ${a}`)) mutualPairs.push([a, b]);
  }
  const edgeList = [...edges]
    .map(([key, count]) => {
      const [from, to] = key.split(' -> ');
      return { from, to, imports: count };
    })
    .sort((x, y) => (rank.get(x.from) ?? -1) - (rank.get(y.from) ?? -1) || x.from.localeCompare(y.from) || (rank.get(x.to) ?? -1) - (rank.get(y.to) ?? -1) || x.to.localeCompare(y.to));
  return {
    layers,
    edges: edgeList,
    totals: { edges: edgeList.length, imports: crossImports, upLayerImports: upLayer.length, mutualPairs: mutualPairs.length },
    upLayer,
    mutualPairs,
    unplaced: [...unplaced].sort(),
  };
}

function printText(graph) {
  const out = [];
  out.push('layers, top to bottom:');
  for (const group of graph.layers) out.push(`  ${group.join(', ')}`);
  out.push('', 'edges (importer -> imported: imports):');
  for (const e of graph.edges) out.push(`  ${e.from} -> ${e.to}: ${e.imports}`);
  out.push('', `up-layer imports (${graph.upLayer.length}):`);
  for (const u of graph.upLayer) out.push(`  ${u.from} -> ${u.to}  (${u.fromLayer} up to ${u.toLayer})`);
  out.push('', `mutual pairs (${graph.mutualPairs.length}):`);
  for (const [a, b] of graph.mutualPairs) out.push(`  ${a} <-> ${b}`);
  if (graph.unplaced.length > 0) out.push('', `folders missing from the layer table: ${graph.unplaced.join(', ')}`);
  const t = graph.totals;
  out.push('', `${t.edges} edges, ${t.imports} imports between folders, ${t.upLayerImports} up-layer imports, ${t.mutualPairs} mutual pairs`);
  return out.join('\n');
}

/** True when the layers hold: nothing imports upward, no two folders import each other, every folder is placed. */
export function layersHold(graph) {
  return graph.upLayer.length === 0 && graph.mutualPairs.length === 0 && graph.unplaced.length === 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const graph = analyzeGraph(readImports(root));
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(graph, null, 2)}\n`);
  else process.stdout.write(`${printText(graph)}\n`);
  process.exitCode = layersHold(graph) ? 0 : 1;
}
