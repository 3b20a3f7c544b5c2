import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../src/suppressions/glob.js';
import { loadSuppressions } from '../../src/suppressions/load.js';
import { candidatesOf, parseSuppressions, SuppressionMatcher } from '../../src/suppressions/suppressions.js';
import { tempDir } from '../cli/helpers.js';

const rules = (...patterns: string[]) => patterns.map((pattern, i) => ({ pattern, file: 's', line: i + 1 }));

describe('suppression files', () => {
  it('reads leak: lines and skips comments and blank lines', () => {
    const text = '# CPython caches\n\nleak:re/_compiler.py:*\n  leak: _compile  \r\n#leak:nope\n';
    expect(parseSuppressions(text, 'sup.txt')).toEqual([
      { pattern: 're/_compiler.py:*', file: 'sup.txt', line: 3 },
      { pattern: '_compile', file: 'sup.txt', line: 4 },
    ]);
  });

  it('rejects a line without the leak: prefix, naming file and line', () => {
    expect(() => parseSuppressions('leak:a\ninterceptor_via_fun:foo\n', 'sup.txt')).toThrow(
      'sup.txt:2: expected "leak:PATTERN" (a comment starts with #), got "interceptor_via_fun:foo"',
    );
    expect(() => parseSuppressions('app.py:12\n', 'sup.txt')).toThrow('sup.txt:1: expected "leak:PATTERN"');
    expect(() => parseSuppressions('leak:\n', 'sup.txt')).toThrow('sup.txt:1: "leak:" needs a pattern after it');
  });

  it('reads .memreplay-suppressions from the working directory and the files named', () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.memreplay-suppressions'), 'leak:a\n');
    mkdirSync(join(dir, 'ci'));
    writeFileSync(join(dir, 'ci', 'more.supp'), 'leak:b\n');
    const loaded = loadSuppressions([join(dir, 'ci', 'more.supp')], dir);
    expect(loaded.files).toEqual(['.memreplay-suppressions', join(dir, 'ci', 'more.supp')]);
    expect(loaded.rules.map((r) => r.pattern)).toEqual(['a', 'b']);
    expect(() => loadSuppressions([join(dir, 'missing.supp')], dir)).toThrow('missing.supp: no such suppression file');
  });
});

describe('matching frames', () => {
  const stack = ['<module> (/srv/app/main.py:3)', 'load (/usr/lib/python3.11/json/decoder.py:353)'];

  it('matches a file:line, a function, a whole path or its trailing path segments', () => {
    const m = (p: string) => new SuppressionMatcher(rules(p)).match(stack);
    expect(m('/usr/lib/python3.11/json/decoder.py:353')).toBe(0);
    expect(m('json/decoder.py:353')).toBe(0);
    expect(m('json/decoder.py')).toBe(0);
    expect(m('decoder.py')).toBe(0);
    expect(m('load')).toBe(0);
    expect(m('*/python3.*/json/*')).toBe(0);
    expect(m('app/main.py:3')).toBe(0);
  });

  it('does not match inside a path segment or a different line', () => {
    const m = (p: string) => new SuppressionMatcher(rules(p)).match(stack);
    expect(m('son/decoder.py')).toBe(-1);
    expect(m('json/decoder.py:35')).toBe(-1);
    expect(m('loa')).toBe(-1);
    expect(m('main.py:4')).toBe(-1);
  });

  it('answers with the first matching rule', () => {
    expect(new SuppressionMatcher(rules('nothing', 'load', 'main.py')).match(stack)).toBe(1);
    expect(new SuppressionMatcher([]).match(stack)).toBe(-1);
  });

  it('lists the candidates of one frame', () => {
    expect(candidatesOf('f (a/b.py:7)')).toEqual(['f', 'a/b.py:7', 'a/b.py', 'b.py:7', 'b.py']);
    expect(candidatesOf('C:\\app\\x.py:2')).toEqual(['C:/app/x.py:2', 'C:/app/x.py', 'app/x.py:2', 'app/x.py', 'x.py:2', 'x.py']);
  });

  it('takes * over any characters (slashes too) and ? for one; everything else literally', () => {
    expect(globToRegExp('a*b').test('a/x/b')).toBe(true);
    expect(globToRegExp('a?c').test('abc')).toBe(true);
    expect(globToRegExp('a?c').test('ac')).toBe(false);
    expect(globToRegExp('f(x).py').test('f(x).py')).toBe(true);
    expect(globToRegExp('a.py').test('axpy')).toBe(false);
    expect(globToRegExp('**').test('anything')).toBe(true);
  });
});

describe('matching native frames', () => {
  const SO = '_leaky.cpython-311-x86_64-linux-gnu.so';
  const stack = ['<module> (/srv/app/main.py:3)', `ring_push [${SO}+0x1234]`, `copy_item (/src/ext/ring.c:12) [${SO}+0x11a0]`, 'inflate [libz.so.1+0x9a40]'];
  const m = (p: string) => new SuppressionMatcher(rules(p)).match(stack);

  it('matches a C function, a shared object, or a source file and line', () => {
    for (const p of ['copy_item', 'ring_push', SO, '_leaky.*.so', 'libz.so.1', 'ring.c', 'ext/ring.c:12', '/src/ext/*']) expect(m(p), p).toBe(0);
    for (const p of ['copy', 'libz.so', 'ring.c:13', '0x11a0']) expect(m(p), p).toBe(-1);
  });

  it("reads LSan's anchored forms as the whole name, and its wildcards", () => {
    const parsed = parseSuppressions('leak:^copy_item$\nleak:libz.so*\nleak:*ring_*\n', 'lsan.supp');
    expect(parsed.map((r) => r.pattern)).toEqual(['copy_item', 'libz.so*', '*ring_*']);
    for (const r of parsed) expect(new SuppressionMatcher([r]).match(stack), r.pattern).toBe(0);
  });

  it('lists the candidates of a native frame', () => {
    expect(candidatesOf(`copy_item (ext/ring.c:12) [${SO}+0x11a0]`)).toEqual(['copy_item', SO, 'ext/ring.c:12', 'ext/ring.c', 'ring.c:12', 'ring.c']);
    expect(candidatesOf('?? [libc.so.6+0x2a1ca]')).toEqual(['??', 'libc.so.6']);
  });
});
