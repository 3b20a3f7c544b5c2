// CPython's text of the pymalloc part of sys._debugmallocstats(), byte for
// byte (pymalloc-model.md §8.1): from "Small block threshold" down to the last
// "Total" line, followed by the blank line _PyObject_DebugMallocStats ends with.

import { withCommas } from '../../text/units.js';
import type { PymallocStats } from './stats.js';

// Kept exported from here too: the stats text is where CPython's rule lives.
export { withCommas };

/** printone(msg, value): the label padded to 35 columns, '=', the value right-aligned in 21. */
export function printone(label: string, value: number): string {
  return label.padEnd(35, ' ') + '=' + withCommas(value).padStart(21, ' ') + '\n';
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, ' ');
}

export function formatDebugMallocStats(s: PymallocStats): string {
  let out = `Small block threshold = ${s.smallRequestThreshold}, in ${s.sizeClasses} size classes.\n\n`;
  out += 'class   size   num pools   blocks in use  avail blocks\n';
  out += '-----   ----   ---------   -------------  ------------\n';
  for (const row of s.classes) {
    out += `${pad(row.sizeClass, 5)} ${pad(row.blockSize, 6)} ${pad(row.pools, 11)} ${pad(row.blocksInUse, 15)} ${pad(row.availBlocks, 13)}\n`;
  }
  out += '\n';
  out += printone('# arenas allocated total', s.arenasAllocatedTotal);
  out += printone('# arenas reclaimed', s.arenasReclaimed);
  out += printone('# arenas highwater mark', s.arenasHighwater);
  out += printone('# arenas allocated current', s.arenasCurrent);
  out += printone(`${s.arenasCurrent} arenas * ${s.arenaSize} bytes/arena`, s.arenaBytes);
  out += '\n';
  out += printone('# bytes in allocated blocks', s.bytesInAllocatedBlocks);
  out += printone('# bytes in available blocks', s.bytesInAvailableBlocks);
  out += printone(`${s.unusedPools} unused pools * ${s.poolSize} bytes`, s.unusedPoolBytes);
  out += printone('# bytes lost to pool headers', s.poolHeaderBytes);
  out += printone('# bytes lost to quantization', s.quantizationBytes);
  out += printone('# bytes lost to arena alignment', s.arenaAlignmentBytes);
  out += printone('Total', s.totalBytes);
  if (s.arenaMap !== null) {
    const m = s.arenaMap;
    out += '\narena map counts\n';
    out += printone('# arena map mid nodes', m.midNodes);
    out += printone('# arena map bot nodes', m.botNodes);
    out += '\n';
    out += printone('# bytes lost to arena map root', m.rootBytes);
    out += printone('# bytes lost to arena map mid', m.midBytes);
    out += printone('# bytes lost to arena map bot', m.botBytes);
    out += printone('Total', m.totalBytes);
  }
  return out + '\n';
}

/**
 * The pymalloc part of a real sys._debugmallocstats() output: from its first
 * line down to the last "Total" line, plus the blank line after it.
 */
export function pymallocPartOf(text: string): string {
  const start = text.indexOf('Small block threshold');
  if (start < 0) return '';
  const lines = text.slice(start).split('\n');
  let last = -1;
  for (let i = 0; i < lines.length; i++) if (lines[i]!.startsWith('Total ')) last = i;
  return lines.slice(0, last + 1).join('\n') + '\n\n';
}
