// The names of addresses in object files, kept between recordings: most
// return addresses of a recording (libpython's, the C library's) are those
// of the one before, and naming them again costs addr2line a read of the
// same line tables (0.1-0.15 s of CPU a recording, docs/recording.md). One
// file per object, valid while the object is the same file on disk (device,
// inode, size and modification time); anything else starts it afresh.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resolved } from './object-symbols.js';

interface Stored {
  path: string;
  identity: string;
  /** address in the file (hex) -> [function, FILE:LINE or null] */
  names: Record<string, [string, string | null]>;
}

/** The names known for one object, and those learned in this recording. */
export class ObjectNames {
  readonly known = new Map<string, Resolved>();
  changed = false;

  constructor(
    readonly path: string,
    readonly identity: string | null,
  ) {}

  get(rel: bigint): Resolved | undefined {
    return this.known.get(rel.toString(16));
  }

  set(rel: bigint, r: Resolved): void {
    this.known.set(rel.toString(16), r);
    this.changed = true;
  }
}

export class SymbolCache {
  private readonly objects: ObjectNames[] = [];

  /** `dir` null: nothing kept (every object starts empty). */
  constructor(private readonly dir: string | null) {}

  /** The names kept for `path` as it is on disk now. */
  object(path: string): ObjectNames {
    const names = new ObjectNames(path, this.dir === null ? null : identity(path));
    this.objects.push(names);
    if (names.identity === null) return names;
    try {
      const stored = JSON.parse(readFileSync(this.fileOf(path), 'utf8')) as Stored;
      if (stored.path === path && stored.identity === names.identity) {
        for (const [hex, [fn, where]] of Object.entries(stored.names)) names.known.set(hex, { fn, where });
      }
    } catch {
      // none kept yet, or unreadable: named afresh
    }
    return names;
  }

  /** Writes the objects that learned names (each whole, replaced at once); a cache that cannot be written is left as it was. */
  save(): void {
    if (this.dir === null) return;
    for (const o of this.objects) {
      if (!o.changed || o.identity === null) continue;
      const stored: Stored = { path: o.path, identity: o.identity, names: {} };
      for (const [hex, r] of o.known) stored.names[hex] = [r.fn, r.where];
      const file = this.fileOf(o.path);
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        mkdirSync(this.dir, { recursive: true });
        writeFileSync(tmp, JSON.stringify(stored));
        renameSync(tmp, file);
      } catch {
        rmSync(tmp, { force: true });
      }
    }
  }

  private fileOf(path: string): string {
    return join(this.dir!, `${createHash('sha256').update(path).digest('hex').slice(0, 32)}.json`);
  }
}

/** The file as it is on disk, or null when it cannot be read. */
function identity(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return null;
  }
}
