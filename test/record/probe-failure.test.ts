import { describe, expect, it } from 'vitest';
import { probeFailureText } from '../../src/record/probe-failure.js';

// What pyenv's shim prints for a version that is installed but not selected.
const PYENV_NOT_SELECTED = `pyenv: python3.8: command not found

The \`python3.8' command exists in these Python versions:
  3.8.18

Note: See 'pyenv help global' for tips on allowing multiple
      Python versions to be found at the same time.
`;

describe('probeFailureText', () => {
  it('keeps the first lines of a message, where it says what went wrong', () => {
    expect(probeFailureText(PYENV_NOT_SELECTED)).toBe(
      "pyenv: python3.8: command not found; The `python3.8' command exists in these Python versions: 3.8.18",
    );
  });

  it('keeps the last line of a Python traceback, its reason', () => {
    const traceback = 'Traceback (most recent call last):\n  File "<string>", line 2, in <module>\nModuleNotFoundError: No module named \'json\'\n';
    expect(probeFailureText(traceback)).toBe("ModuleNotFoundError: No module named 'json'");
  });

  it('says when there was nothing, and bounds a long message', () => {
    expect(probeFailureText('\n \n')).toBe('(nothing on stderr)');
    const long = probeFailureText('x'.repeat(10_000));
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });
});
