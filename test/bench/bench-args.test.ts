// The benchmark scripts answer --help with their usage and a wrong option with
// one line and the usage (exit 2), never node's parseArgs stack trace.
// Each is run for real: its arguments are read before it builds, records or
// starts anything.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';

function bench(script: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'bench', script), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('benchmark command lines', () => {
  for (const [script, name] of [
    ['big-heap.js', 'bench:big-heap'],
    ['fleet-load.js', 'bench:fleet'],
    ['record-overhead.js', 'bench:record'],
  ] as const) {
    it(`${name}: --help prints the usage; an unknown option is one line and the usage, exit 2`, () => {
      const help = bench(script, ['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout.startsWith(`npm run ${name} -- [`)).toBe(true);
      const bad = bench(script, ['--bogus']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.split('\n')[0]).toBe("bench: Unknown option '--bogus'");
      expect(bad.stderr).toContain(`npm run ${name} -- [`);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
