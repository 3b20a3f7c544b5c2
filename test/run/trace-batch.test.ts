// The one batch loop of the many-trace commands: results and failures in
// input order, the lines shown for each failure, and the commands' tasks
// registered by module.

import { describe, expect, it } from 'vitest';
import { registerTask, taskModuleUrl } from '../../src/batch/task-registry.js';
import { COMMAND_TASKS } from '../../src/run/tasks.js';
import { runTraceTasks, type TraceFailure } from '../../src/run/trace-batch.js';

registerTask('test-echo', new URL('../batch/fixtures/echo-task.js', import.meta.url));

describe('runTraceTasks', () => {
  it('registers every command task by its module in run/', () => {
    for (const [name, url] of Object.entries(COMMAND_TASKS)) {
      expect(taskModuleUrl(name).href).toBe(url.href);
      expect(url.href).toContain('/run/');
    }
  });

  it('hands results and failures over in input order, with a bug report line for an internal error', async () => {
    const seen: string[] = [];
    const shown: [TraceFailure, readonly string[]][] = [];
    const outcome = await runTraceTasks<object, { name: string }>({
      task: 'test-echo',
      inputs: ['a:sleep=30', 'b:fail', 'c', 'd:bug'],
      options: {},
      jobs: 1,
      onResult: (result, index) => seen.push(`${index}:${result.name}`),
      onFailure: (failure, lines) => shown.push([failure, lines]),
    });
    expect(seen).toEqual(['0:a', '2:c']);
    expect(outcome.results.map((r) => r.name)).toEqual(['a', 'c']);
    expect(outcome.failures.map((f) => f.file)).toEqual(['b:fail', 'd:bug']);
    expect(outcome.internal).toBe(true);
    expect(shown[0]![1]).toEqual(['b: this input is bad']);
    expect(shown[1]![1].at(-1)).toMatch(/this is a bug in memreplay; please report it/);
  });

  it('says no failure was internal when every failure was bad input', async () => {
    const outcome = await runTraceTasks({ task: 'test-echo', inputs: ['x:fail'], options: {}, jobs: 1 });
    expect(outcome).toMatchObject({ results: [], internal: false });
  });
});
