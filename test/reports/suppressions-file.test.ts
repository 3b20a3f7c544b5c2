// --gen-suppressions writes a comment per site that counts in English: one
// site, one block, and the bytes with separators.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../src/run/leaks.js';
import { generateSuppressions } from '../../src/reports/suppressions-file.js';
import { loadSuppressions } from '../../src/suppressions/load.js';
import { ROOT, tempDir } from '../cli/helpers.js';
import { ringTrace } from '../fixtures/native/ring-trace.js';

describe('generateSuppressions', () => {
  it('counts one site and its one block in the singular', async () => {
    // The sample trace leak-3.11: at its stats mark, leak.py:12 holds one list of 4,624 bytes.
    const file = join(ROOT, 'traces', 'leak-3.11.csv.gz');
    const r = await findLeaks(file, { instant: { at: 'stats' } });
    const site = r.sites.find((s) => s.key === 'remember (/srv/app/leak.py:12)')!;
    expect(site.blocks).toBe(1);
    const text = generateSuppressions('traces/leak-3.11.csv.gz', [site], r.groupedBy, ROOT);
    expect(text).toBe(
      '# memreplay: suppressions for 1 site of traces/leak-3.11.csv.gz\n' +
        '# Keep the entries you accept; see docs/leaks.md for the pattern syntax.\n' +
        '# steady-state leak, 4,624 bytes live in 1 block: remember (/srv/app/leak.py:12)\n' +
        'leak:/srv/app/leak.py:12\n',
    );
    const two = generateSuppressions('traces/leak-3.11.csv.gz', r.sites.slice(0, 2), r.groupedBy, ROOT);
    expect(two).toMatch(/^# memreplay: suppressions for 2 sites of /);
    expect(two).toMatch(/^# steady-state leak, [\d,]+ bytes live in [\d,]+ blocks: /m);
  });

  it('writes a native site as its C function (by filename its source file), and the pattern suppresses it and only it', async () => {
    const dir = tempDir();
    const leaky = join(dir, 'leaky.csv');
    writeFileSync(leaky, ringTrace(20, true));
    const r = await findLeaks(leaky);
    const site = r.sites.find((s) => s.growth.class === 'steady_leak')!;
    expect(site.native?.function).toBe('copy_item');
    expect(generateSuppressions(leaky, [site], r.groupedBy, dir)).toContain('\nleak:copy_item\n');
    expect(generateSuppressions(leaky, [site], 'filename', dir)).toContain('\nleak:ring.c\n');
    const supp = join(dir, 'gen.supp');
    writeFileSync(supp, generateSuppressions(leaky, [site], r.groupedBy, dir));
    const again = await findLeaks(leaky, { growth: { suppressions: loadSuppressions([supp], dir).rules } });
    expect(again.growth.steadyLeakSites).toBe(0);
    // The Python blocks of main.py are still there.
    expect(again.sites.some((s) => s.key === 'main.py:1')).toBe(true);
  });
});

