// Which file a module is loaded from, in a worker and in this thread.
//
// Workers run compiled JavaScript. The package runs from dist/ (dist/src/...,
// dist/cli/...) where module URLs already name .js files, and those load as
// they are. Under the test runner this thread runs the TypeScript sources
// (src/batch/pool.ts), but a worker is a fresh isolate without the test
// runner's transform: it loads their compiled twins in dist/, which
// `npm run build` writes (`npm test` builds first).

import { existsSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);
const SOURCE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

/** The URL a worker should import for `url`: itself when it is JavaScript on disk, else its twin in dist/. */
export function compiledModuleUrl(url: URL): URL {
  if (url.protocol !== 'file:') return url;
  const path = fileURLToPath(url);
  const ext = extname(path);
  if (JS_EXTENSIONS.has(ext) && existsSync(path)) return url;
  if (!SOURCE_EXTENSIONS.has(ext)) throw new Error(`cannot run ${path} in a worker: expected a .js or .ts module`);
  const root = packageRoot(dirname(path));
  if (root === undefined) throw new Error(`cannot find the compiled JavaScript of ${path}: no package.json above it`);
  const twin = join(root, 'dist', relative(root, path.slice(0, -ext.length)) + '.js');
  if (!existsSync(twin)) {
    throw new Error(`cannot find ${twin}, the compiled JavaScript of ${path}: run \`npm run build\` first`);
  }
  return pathToFileURL(twin);
}

/**
 * The URL this thread should import for `url`: itself when the file exists;
 * else, for a `.js` URL that names a TypeScript source not compiled in place
 * (the test runner's view of src/), the `.ts` beside it.
 */
export function sourceModuleUrl(url: URL): URL {
  if (url.protocol !== 'file:') return url;
  const path = fileURLToPath(url);
  if (existsSync(path) || extname(path) !== '.js') return url;
  const ts = path.slice(0, -3) + '.ts';
  return existsSync(ts) ? pathToFileURL(ts) : url;
}

function packageRoot(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json'))) return d;
    if (dirname(d) === d) return undefined;
  }
}
