// What every command loads before it runs: the static import graph of the
// cli's entry point. The fleet's engine client (BullMQ, ioredis) is about
// 20 MB of memory at start-up; only the fleet commands may load it, and they
// do so when they run (a dynamic import), so that no other command pays for
// it (test/cli/input-bounds.test.ts measures peaks under 200 MiB).

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT, tempDir } from './helpers.js';

/** Specifiers of a module's static imports and re-exports (not `import(...)`). */
function staticImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm)) {
    if (!/^\s*(?:import|export)\s+type\s/.test(m[0])) out.push(m[1]!);
  }
  return out;
}

/** Packages reached from `entry` through static imports of the project's own compiled modules. */
function packagesReached(entry: string): Set<string> {
  return staticGraph(entry).packages;
}

/** The project's compiled modules (`files`) and the packages reached from `entry` through static imports. */
function staticGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) stack.push(resolve(dirname(file), spec));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  return { files: seen, packages };
}

describe('the command line at start-up', () => {
  it('does not load the fleet engine\'s client (BullMQ, ioredis) for every command', () => {
    const reached = packagesReached(join(ROOT, 'dist', 'cli', 'memreplay.js'));
    // The walk does see packages: yargs is loaded by every command.
    expect(reached.has('yargs')).toBe(true);
    expect([...reached].filter((p) => p === 'bullmq' || p === 'ioredis')).toEqual([]);
  });

  it('loads no command\'s module but the one named (cli/memreplay.ts imports each when it is named)', () => {
    const entry = join(ROOT, 'dist', 'cli', 'memreplay.js');
    const commands = join(ROOT, 'dist', 'cli', 'commands');
    expect([...staticGraph(entry).files].filter((f) => f.startsWith(commands))).toEqual([]);
    // The record command's own graph reaches no other command.
    const record = staticGraph(join(commands, 'record.js')).files;
    expect([...record].filter((f) => f.startsWith(commands) && !f.endsWith('record.js'))).toEqual([]);
  });

  it('reads no directory above the working directory (yargs would look for a package.json up to /)', () => {
    const dir = join(tempDir(), 'a', 'b');
    mkdirSync(dir, { recursive: true });
    // A preload that tells every directory listed, on stderr.
    const preload = join(tempDir(), 'log-readdir.cjs');
    writeFileSync(preload, "const fs = require('fs'); const real = fs.readdirSync; fs.readdirSync = function (p, ...rest) { process.stderr.write('readdir ' + p + '\\n'); return real.call(this, p, ...rest); };\n");
    for (const args of [['--version'], ['record', '--help']]) {
      const r = spawnSync(process.execPath, ['-r', preload, CLI, ...args], { cwd: dir, encoding: 'utf8' });
      expect(r.status).toBe(0);
      const listed = r.stderr.split('\n').filter((l) => l.startsWith('readdir '));
      expect(listed.filter((l) => l.includes('memreplay-test-'))).toEqual([]);
      // The preload does see yargs' look-up, sent to yargs' own folder.
      expect(listed.some((l) => /node_modules[\\/]yargs$/.test(l))).toBe(true);
    }
  });
});
