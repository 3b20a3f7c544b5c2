// Issue 14's "done when", end to end on every CPython here: a C extension
// written for this test alone (native-done-when/ringbuf.c), whose push()
// leaks a malloc'd copy on every call once its ring of 8 wraps, driven by a
// request loop (native-done-when/app.py), recorded with
// `memreplay record --native` and judged by `memreplay check --json`: exit 1,
// naming the C function that called malloc and the Python line that called
// push(); its leak-free twin (built with -DCLEAN) exits 0.

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../cli/helpers.js';
import { findPython, memreplay, ROOT, SERIES, titleFor } from './helpers.js';
import { buildExtension, lineOf } from './native-helpers.js';

const DIR = join(ROOT, 'test', 'record', 'native-done-when');
const APP = join(DIR, 'app.py');
const PUSH_LINE = lineOf(APP, 'PUSH');

interface Site {
  key: string;
  growth: { class: string };
  native?: { function: string; object: string; file?: string; line?: number };
  location: { file: string; line: number } | null;
}

function recordAndCheck(python: string, clean: boolean): { code: number | null; doc: { traces: { passed: boolean; budgets: { budget: string; passed: boolean; sites?: string[] }[]; leaks: { sites: Site[] } }[] }; stderr: string } {
  const ext = buildExtension(python, join(DIR, 'ringbuf.c'), 'ringbuf', clean);
  const trace = join(tempDir(), clean ? 'clean.csv.gz' : 'leaky.csv.gz');
  const rec = memreplay(['record', '--native', '-q', '--python', python, '-o', trace, '--', APP, ext]);
  expect(rec.code, rec.stderr).toBe(0);
  const r = memreplay(['check', trace, '--json']);
  return { code: r.code, doc: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('record --native, then check: the issue\'s "done when"', () => {
  for (const series of SERIES) {
    const python = findPython(series);
    it.skipIf(!python)(titleFor(series, `CPython ${series}: the leaking ring fails at duplicate_payload and app.py's push() line; its twin passes`), () => {
      const leaky = recordAndCheck(python!, false);
      expect(leaky.code, leaky.stderr).toBe(1);
      const t = leaky.doc.traces[0]!;
      expect(t.passed).toBe(false);
      const failed = t.budgets.filter((b) => !b.passed);
      expect(failed.map((b) => b.budget)).toEqual(['steadyLeakSites']);
      const sites = failed[0]!.sites!.map((key) => t.leaks.sites.find((s) => s.key === key)!);
      // The one failing site: the C function that called malloc, reached from app.py's push() line.
      expect(sites).toHaveLength(1);
      const site = sites[0]!;
      expect(site.growth.class).toBe('steady_leak');
      expect(site.native?.function).toBe('duplicate_payload');
      expect(site.native?.object).toMatch(/^ringbuf\..*so$/);
      expect(site.native?.file).toMatch(/ringbuf\.c$/);
      expect(site.location?.file).toMatch(/app\.py$/);
      expect(site.location?.line).toBe(PUSH_LINE);

      const clean = recordAndCheck(python!, true);
      expect(clean.code, JSON.stringify(clean.doc.traces[0]?.budgets)).toBe(0);
      expect(clean.doc.traces[0]!.passed).toBe(true);
    }, 180_000);
  }
});
