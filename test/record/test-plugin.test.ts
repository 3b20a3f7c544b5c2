// Which recordings get memreplay's pytest plugin: `-m pytest` by itself, or a
// command line that names it; its folder on PYTHONPATH; --repeat-tests.

import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTEST_PLUGIN, REPEAT_ENV, testPluginDir, UNITTEST_MAIN, withTestPlugin } from '../../src/record/test-plugin.js';

describe('the pytest plugin on the recorded command line', () => {
  it('is added after -m pytest, its folder put first on PYTHONPATH', () => {
    const run = withTestPlugin(['-m', 'pytest', '-q', 'tests'], { PYTHONPATH: 'mine' }, 3);
    expect(run.program).toEqual(['-m', 'pytest', '-p', PYTEST_PLUGIN, '-q', 'tests']);
    expect(run.env['PYTHONPATH']).toBe(`${testPluginDir()}${delimiter}mine`);
    expect(run.env[REPEAT_ENV]).toBe('3');
    expect(existsSync(join(testPluginDir(), `${PYTEST_PLUGIN}.py`))).toBe(true);
  });

  it('is not added twice, nor against -p no:', () => {
    expect(withTestPlugin(['-m', 'pytest', '-p', PYTEST_PLUGIN], {}).program).toEqual(['-m', 'pytest', '-p', PYTEST_PLUGIN]);
    const off = withTestPlugin(['-m', 'pytest', `-pno:${PYTEST_PLUGIN}`], { PYTHONPATH: 'mine' });
    expect(off.program).toEqual(['-m', 'pytest', `-pno:${PYTEST_PLUGIN}`]);
    expect(off.env['PYTHONPATH']).toBe('mine');
  });

  it('leaves other programs alone, and refuses --repeat-tests for them', () => {
    expect(withTestPlugin(['app.py', '-m', 'pytest'], {}).program).toEqual(['app.py', '-m', 'pytest']);
    expect(() => withTestPlugin(['app.py'], {}, 2)).toThrow(/--repeat-tests needs pytest/);
    // A script that starts pytest itself names the plugin: its folder goes on the path.
    expect(withTestPlugin(['run_tests.py', '-p', PYTEST_PLUGIN], {}, 2).env[REPEAT_ENV]).toBe('2');
  });

  it('runs unittest through its marking main, with the same arguments', () => {
    const run = withTestPlugin(['-m', 'unittest', '-v', 'tests'], {});
    expect(run.program).toEqual(['-m', UNITTEST_MAIN, '-v', 'tests']);
    expect(run.env['PYTHONPATH']).toBe(testPluginDir());
    expect(existsSync(join(testPluginDir(), `${UNITTEST_MAIN}.py`))).toBe(true);
  });

  it('refuses a repetition count out of range', () => {
    expect(() => withTestPlugin(['-m', 'pytest'], {}, 0)).toThrow(/--repeat-tests 0/);
  });
});
