// The marks memreplay's pytest plugin (recorder/memreplay_pytest.py) writes
// around each test, read back from their labels (docs/trace-format.md, "Test
// boundaries"). A pure parser: any other label is null, so a trace whose own
// marks merely look alike is never misread as long as it does not use these
// exact shapes.

export const TEST_PHASES = ['setup', 'call', 'teardown'] as const;
export type TestPhase = (typeof TEST_PHASES)[number];

export type TestBoundary =
  /** A phase of a test begins or ends; `repetition` counts the call phases from 1 (0 for setup and teardown). */
  | { readonly kind: 'phase'; readonly phase: TestPhase; readonly edge: 'begin' | 'end'; readonly repetition: number; readonly nodeid: string }
  /** After the test's teardown, once the hook calls around it returned: where what it keeps is counted. */
  | { readonly kind: 'end'; readonly nodeid: string }
  /** How many call phases the test runs (written before its setup). */
  | { readonly kind: 'repeat'; readonly times: number; readonly nodeid: string }
  /** A marker's limit: `limit_leaks` or `limit_memory`, its value as written (blanks removed). */
  | { readonly kind: 'limit'; readonly limit: 'limit_leaks' | 'limit_memory'; readonly value: string; readonly nodeid: string }
  /** Where the test function is defined: a file (relative to the test run's root) and a line. */
  | { readonly kind: 'at'; readonly file: string; readonly line: number; readonly nodeid: string }
  /** A fixture wider than a function is set up or torn down (what it allocates then is its own). */
  | { readonly kind: 'fixture'; readonly stage: 'setup' | 'teardown'; readonly edge: 'begin' | 'end'; readonly scope: string; readonly name: string };

const PHASE = /^test:(setup|call#([1-9][0-9]{0,5})|teardown):(begin|end) (.+)$/s;
const REPEAT = /^test:repeat=([1-9][0-9]{0,5}) (.+)$/s;
const LIMIT = /^test:(limit_leaks|limit_memory)=(\S*) (.+)$/s;
const AT = /^test:at=(\S+):([1-9][0-9]{0,9}) (.+)$/s;
const FIXTURE = /^fixture:(setup|teardown):(begin|end):(\w+) (.+)$/s;
/** CPython keeps line numbers as C ints. */
const MAX_LINE = 2 ** 31 - 1;

/** The boundary a mark label stands for, or null when it is no test mark. */
export function testBoundaryOf(label: string): TestBoundary | null {
  // Cheap test first: most marks of most traces are not test marks.
  if (!(label.startsWith('test:') || label.startsWith('fixture:'))) return null;
  if (label.startsWith('test:end ')) return { kind: 'end', nodeid: label.slice('test:end '.length) };
  let m = PHASE.exec(label);
  if (m !== null) {
    const phase = m[1]!.startsWith('call') ? 'call' : (m[1] as TestPhase);
    return { kind: 'phase', phase, edge: m[3] as 'begin' | 'end', repetition: phase === 'call' ? Number(m[2]) : 0, nodeid: m[4]! };
  }
  m = REPEAT.exec(label);
  if (m !== null) return { kind: 'repeat', times: Number(m[1]), nodeid: m[2]! };
  m = LIMIT.exec(label);
  if (m !== null) return { kind: 'limit', limit: m[1] as 'limit_leaks' | 'limit_memory', value: m[2]!, nodeid: m[3]! };
  m = AT.exec(label);
  if (m !== null) {
    const file = unescapeFile(m[1]!);
    const line = Number(m[2]);
    return file === null || line > MAX_LINE ? null : { kind: 'at', file, line, nodeid: m[3]! };
  }
  m = FIXTURE.exec(label);
  if (m !== null) return { kind: 'fixture', stage: m[1] as 'setup' | 'teardown', edge: m[2] as 'begin' | 'end', scope: m[3]!, name: m[4]! };
  return null;
}

/** The plugins write `%` and blanks in a file name as `%25` and `%20`; any other escape is no file name of theirs. */
function unescapeFile(text: string): string | null {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const code = text.slice(i + 1, i + 3);
    if (code === '25') out += '%';
    else if (code === '20') out += ' ';
    else return null;
    i += 2;
  }
  return out;
}
