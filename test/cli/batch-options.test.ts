// runTraceBatch as commands use it, in a child process (it writes to stderr):
// failures reported in argument order, a bug asks for a report and shows its
// stack only with MEMREPLAY_DEBUG, and the exit code says which happened.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, ROOT } from './helpers.js';

function runEcho(inputs: string[], debug = false) {
  const script = `
    import { registerTask } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/src/batch/task-registry.js')).href)};
    import { runTraceBatch } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist/cli/batch-options.js')).href)};
    registerTask('test-echo', ${JSON.stringify(pathToFileURL(join(ROOT, 'test/batch/fixtures/echo-task.js')).href)});
    const batch = await runTraceBatch({ traces: ${JSON.stringify(inputs)}, jobs: '2', quiet: false }, 'test-echo', {});
    process.stdout.write(JSON.stringify({ names: batch.results.map((r) => r.name), failures: batch.failures, exitCode: batch.exitCode }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, MEMREPLAY_DEBUG: debug ? '1' : '' },
  });
  expect(r.status).toBe(0);
  return { ...JSON.parse(r.stdout), stderr: r.stderr };
}

describe('runTraceBatch', () => {
  it('reports a bad input on stderr and exits 2, the others going on', () => {
    const r = runEcho(['a:sleep=100', 'b:fail', 'c']);
    expect(r.names).toEqual(['a', 'c']);
    expect(r.failures).toEqual([{ file: 'b:fail', error: 'b: this input is bad' }]);
    expect(r.stderr).toBe('memreplay: b: this input is bad\n');
    expect(r.exitCode).toBe(2);
  });

  it('reports a bug as an internal error naming the input, in argument order, and exits 3', () => {
    const r = runEcho(['a:sleep=100', 'x:bug', 'y:fail', 'z:crash']);
    expect(r.names).toEqual(['a']);
    expect(r.stderr.split('\n')).toEqual([
      'memreplay: internal error while processing x:bug: x is not a function (this is a bug in memreplay; please report it with MEMREPLAY_DEBUG=1 output)',
      'memreplay: y: this input is bad',
      'memreplay: internal error while processing z:crash: the worker thread stopped (exit code 7) (this is a bug in memreplay; please report it with MEMREPLAY_DEBUG=1 output)',
      '',
    ]);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(r.exitCode).toBe(3);
  });

  it('shows the stack of a bug with MEMREPLAY_DEBUG', () => {
    const r = runEcho(['a', 'x:bug'], true);
    expect(r.stderr).toMatch(/^memreplay: TypeError: x is not a function\n\s+at .*echo-task\.js/);
  });
});
