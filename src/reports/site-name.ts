// Site names shortened to a column without losing what tells sites apart.
// A name is cut in the middle of its path — `/home/…/test_asyncio/test_tasks.py`
// — never in the function, the file name or the `:line`, which are what
// make two rows different. A `--by traceback` name (frames joined by `; `,
// oldest first) gives up its outer frames' directories first, then its outer
// frames (`…; ` in their place); its innermost frame is the last to be
// shortened. Only a name whose function, file name and line alone run past
// MAX_CORE characters (no real program's, a hostile trace's) is cut in its
// middle as a whole, so a line stays bounded.
//
// Every text output that cuts site names to a column uses this: analyze,
// leaks, check and the Markdown report. Widths come from the caller (the
// terminal's, or COLUMNS); this file only measures characters.

import { parseFrame, type PythonFrame } from '../events/frame-text.js';
import { terminalSafe } from '../text/units.js';

const ELLIPSIS = '…';
const FRAME_SEPARATOR = '; ';
/** Past this many characters even the function, file name and line are cut (in the middle). */
export const MAX_CORE = 300;

/** `key` in at most `max` characters when its function, file name and line allow (see above). */
export function shortSiteName(key: string, max: number): string {
  if (key.length <= max) return key;
  const frames = key.split(FRAME_SEPARATOR);
  const named = frames.length > 1 ? shortTraceback(frames, max) : shortFrame(key, max);
  return named.length > Math.max(max, MAX_CORE) ? cutMiddle(named, Math.max(max, MAX_CORE)) : named;
}

/** Outer frames' directories first (oldest first), then outer frames, then the innermost frame. */
function shortTraceback(frames: string[], max: number): string {
  const parts = frames.slice();
  const length = (): number => parts.reduce((n, p) => n + p.length, 0) + FRAME_SEPARATOR.length * (parts.length - 1);
  for (let i = 0; i < parts.length - 1 && length() > max; i++) parts[i] = shortFrame(parts[i]!, 0);
  let dropped = false;
  while (length() > max && parts.length > (dropped ? 2 : 1)) {
    if (dropped) parts.splice(1, 1);
    else parts[0] = ELLIPSIS;
    dropped = true;
  }
  if (length() > max) {
    const last = parts.length - 1;
    parts[last] = shortFrame(parts[last]!, max - (length() - parts[last]!.length));
  }
  return parts.join(FRAME_SEPARATOR);
}

/** One frame (or a `function (file)` / `file` key) with its path's middle directories replaced by `…`. */
export function shortFrame(frame: string, max: number): string {
  if (frame.length <= max) return frame;
  const f = parseFrame(frame);
  const around = frameText(f, '').length;
  const path = shortPath(f.file, max - around);
  return path === f.file ? frame : frameText(f, path);
}

function frameText(f: PythonFrame, path: string): string {
  const location = f.line > 0 ? `${path}:${f.line}` : path;
  return f.func === '' ? location : `${f.func} (${location})`;
}

/**
 * The path in at most `max` characters if it can be: as many of its last
 * directories as fit after `…`, with the first directory kept in front when
 * it fits too (`/home/…/test_asyncio/name.py`); at least `…/name`. The file
 * name is never cut.
 */
export function shortPath(path: string, max: number): string {
  if (path.length <= max) return path;
  const sep = path.includes('/') ? '/' : '\\';
  const dirs = path.split(sep);
  const name = dirs.pop()!;
  if (dirs.length === 0 || (dirs.length === 1 && dirs[0] === ELLIPSIS)) return path;
  // An absolute path's first named directory: `/home/…/`, `C:\…\`.
  const head = dirs[0] === '' ? 2 : 1;
  for (let tail = dirs.length - 1; tail >= 0; tail--) {
    const last = dirs.slice(dirs.length - tail);
    if (tail <= dirs.length - head - 1) {
      const withHead = [...dirs.slice(0, head), ELLIPSIS, ...last, name].join(sep);
      if (withHead.length <= max) return withHead;
    }
    const without = [ELLIPSIS, ...last, name].join(sep);
    if (without.length <= max) return without;
  }
  return `${ELLIPSIS}${sep}${name}`;
}

function cutMiddle(text: string, max: number): string {
  const keep = max - ELLIPSIS.length;
  const front = Math.ceil(keep / 2);
  return text.slice(0, front) + ELLIPSIS + text.slice(text.length - (keep - front));
}

/** The narrowest a name column gets, however narrow the terminal: narrower reads worse than a wrapped line. */
export const MIN_NAME_COLUMNS = 40;

/**
 * Characters for a name in a column that starts `prefix` characters into the
 * line: what `width` leaves, at least MIN_NAME_COLUMNS; `fallback` when there
 * is no width to follow (a pipe or a file without COLUMNS).
 */
export function nameBudget(width: number | undefined, prefix: number, fallback: number): number {
  return width === undefined ? fallback : Math.max(MIN_NAME_COLUMNS, width - prefix);
}

/** A site name shortened to `max` and made safe for a terminal (untrusted trace text). */
export function terminalSiteName(key: string, max: number): string {
  return terminalSafe(shortSiteName(key, max), Math.max(max, MAX_CORE));
}
