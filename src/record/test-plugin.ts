// The pytest plugin shipped beside the recorder (recorder/memreplay_pytest.py):
// when the program is pytest (`-m pytest`, `-m py.test`), `-p memreplay_pytest`
// is added to its command line so that each test's boundaries are marked with
// no change to the user's code. `-m unittest` becomes `-m memreplay_unittest`
// (unittest's own main, with a result that marks each test). Their folder
// goes on PYTHONPATH whenever one may be loaded (pytest, unittest, or a
// command line that names the plugin with -p), and --repeat-tests reaches the
// pytest plugin through the environment.

import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { MemreplayError, UsageError } from '../errors.js';
import { launcherSources } from './launcher-sources.js';

export const PYTEST_PLUGIN = 'memreplay_pytest';
/** Runs `python -m unittest` with a test result that marks each test (recorder/memreplay_unittest.py). */
export const UNITTEST_MAIN = 'memreplay_unittest';
/** Read by the plugin: how many times each test's call phase runs. */
export const REPEAT_ENV = 'MEMREPLAY_REPEAT_TESTS';
export const MAX_REPEAT_TESTS = 1000;

const PYTEST_MODULES = ['pytest', 'py.test'];

/** The folder holding the plugin (recorder/, beside recorder/src). */
export function testPluginDir(): string {
  const dir = dirname(launcherSources().dir);
  if (!existsSync(join(dir, `${PYTEST_PLUGIN}.py`))) throw new MemreplayError(`cannot find the pytest plugin ${PYTEST_PLUGIN}.py in ${dir}`);
  return dir;
}

/** True when the interpreter's command line runs pytest as a module. */
export function runsPytest(program: readonly string[]): boolean {
  return program.length >= 2 && program[0] === '-m' && PYTEST_MODULES.includes(program[1]!);
}

/** Whether the command line names the plugin (`-p memreplay_pytest`, `-pmemreplay_pytest`), or turns it off (`-p no:memreplay_pytest`). */
function namedPlugin(program: readonly string[]): 'on' | 'off' | null {
  for (let i = 0; i < program.length; i++) {
    const arg = program[i]!;
    const value = arg === '-p' ? program[i + 1] : arg.startsWith('-p') ? arg.slice(2) : undefined;
    if (value === PYTEST_PLUGIN) return 'on';
    if (value === `no:${PYTEST_PLUGIN}`) return 'off';
  }
  return null;
}

export interface TestRun {
  readonly program: string[];
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The command line and environment to record: pytest gets the plugin, and
 * the environment its folder and the repetition count. Any other program is
 * left as it is (repeatTests > 1 then needs the plugin named with -p).
 */
export function withTestPlugin(program: readonly string[], env: NodeJS.ProcessEnv, repeatTests = 1): TestRun {
  if (!Number.isInteger(repeatTests) || repeatTests < 1 || repeatTests > MAX_REPEAT_TESTS) {
    throw new UsageError(`--repeat-tests ${repeatTests}: expected a whole number from 1 to ${MAX_REPEAT_TESTS}`);
  }
  if (program.length >= 2 && program[0] === '-m' && program[1] === 'unittest') {
    if (repeatTests > 1) throw new UsageError('--repeat-tests is for pytest: unittest runs each test once');
    const path = env['PYTHONPATH'];
    return { program: ['-m', UNITTEST_MAIN, ...program.slice(2)], env: { ...env, PYTHONPATH: path ? `${testPluginDir()}${delimiter}${path}` : testPluginDir() } };
  }
  const named = namedPlugin(program);
  const pytest = runsPytest(program);
  if (named === 'off' || (named === null && !pytest)) {
    if (repeatTests > 1) {
      throw new UsageError(`--repeat-tests needs pytest with memreplay's plugin: run -- -m pytest [args], or name it with -p ${PYTEST_PLUGIN}`);
    }
    return { program: [...program], env };
  }
  const dir = testPluginDir();
  const path = env['PYTHONPATH'];
  const runEnv: NodeJS.ProcessEnv = { ...env, PYTHONPATH: path ? `${dir}${delimiter}${path}` : dir };
  if (repeatTests > 1) runEnv[REPEAT_ENV] = String(repeatTests);
  else delete runEnv[REPEAT_ENV];
  // After `-m pytest`: pytest reads -p before it collects.
  const args = named === null ? [program[0]!, program[1]!, '-p', PYTEST_PLUGIN, ...program.slice(2)] : [...program];
  return { program: args, env: runEnv };
}
