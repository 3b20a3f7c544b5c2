// Where workers load modules from: JavaScript as it is, TypeScript sources
// from their compiled twins in dist/.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compiledModuleUrl, sourceModuleUrl } from '../src/module-location.js';

const ROOT = join(__dirname, '..');
const url = (...parts: string[]): URL => pathToFileURL(join(ROOT, ...parts));

describe('compiledModuleUrl', () => {
  it('maps a TypeScript source, or the .js name of one, to its twin in dist/', () => {
    const twin = url('dist', 'src', 'batch', 'worker.js');
    expect(existsSync(twin)).toBe(true);
    expect(compiledModuleUrl(url('src', 'batch', 'worker.ts')).href).toBe(twin.href);
    expect(compiledModuleUrl(url('src', 'batch', 'worker.js')).href).toBe(twin.href);
  });

  it('keeps JavaScript that exists as it is', () => {
    const js = url('dist', 'cli', 'memreplay.js');
    expect(compiledModuleUrl(js).href).toBe(js.href);
    const fixture = url('test', 'batch', 'fixtures', 'echo-task.js');
    expect(compiledModuleUrl(fixture).href).toBe(fixture.href);
  });

  it('says to build when the compiled twin is missing', () => {
    expect(() => compiledModuleUrl(url('src', 'batch', 'never-written.ts'))).toThrow(
      /cannot find .*dist\/src\/batch\/never-written\.js, the compiled JavaScript of .*never-written\.ts: run `npm run build` first/,
    );
  });
});

describe('sourceModuleUrl', () => {
  it('finds the .ts source of a .js name that does not exist, and keeps what exists', () => {
    expect(sourceModuleUrl(url('src', 'batch', 'worker.js')).href).toBe(url('src', 'batch', 'worker.ts').href);
    const js = url('test', 'batch', 'fixtures', 'echo-task.js');
    expect(sourceModuleUrl(js).href).toBe(js.href);
  });
});
