// What every command loads before it runs: the static import graph of the
// cli's entry point. The fleet's engine client (BullMQ, ioredis) is about
// 20 MB of memory at start-up; only the fleet commands may load it, and they
// do so when they run (a dynamic import), so that no other command pays for
// it (test/cli/input-bounds.test.ts measures peaks under 200 MiB).

import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

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
  return packages;
}

describe('the command line at start-up', () => {
  it('does not load the fleet engine\'s client (BullMQ, ioredis) for every command', () => {
    const reached = packagesReached(join(ROOT, 'dist', 'cli', 'memreplay.js'));
    // The walk does see packages: yargs is loaded by every command.
    expect(reached.has('yargs')).toBe(true);
    expect([...reached].filter((p) => p === 'bullmq' || p === 'ioredis')).toEqual([]);
  });
});
