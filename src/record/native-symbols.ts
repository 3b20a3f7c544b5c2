// Native frames named while the program runs: a return address the launcher
// asks about (recorder/src/native-names.h) becomes `FUNCTION [OBJECT+0xOFFSET]`,
// or `FUNCTION (FILE:LINE) [OBJECT+0xOFFSET]` where the object has debug
// information (docs/trace-format.md). Each address is asked once, of its
// object's own symbolizer (object-symbols.ts).
//
// The object comes from the launcher's module map (`module` lines), which it
// sends before the first stack holding an address in a new object: an
// address in no known object is unknown at once.

import { basename } from 'node:path';
import { DEFAULT_SYMBOLIZER, ObjectSymbols, type Symbolizer } from './object-symbols.js';
import { SymbolCache } from './symbol-cache.js';

export { DEFAULT_SYMBOLIZER, type Symbolizer } from './object-symbols.js';

/** An object's executable code as the launcher saw it loaded (`module` lines). */
export interface ModuleRange {
  lo: bigint;
  size: bigint;
  /** Load bias: a runtime address is bias + the address in the file. */
  bias: bigint;
  path: string;
}

const MODULE_LINE = /^module,0x([0-9a-f]+),(\d+),0x([0-9a-f]+),,,,,,"((?:[^"]|"")*)"$/;

/** A `module` line of the launcher's raw output, or null when it is not one. */
export function parseModuleLine(line: string): ModuleRange | null {
  const m = MODULE_LINE.exec(line);
  if (!m) return null;
  return { lo: BigInt(`0x${m[1]}`), size: BigInt(m[2]!), bias: BigInt(`0x${m[3]}`), path: m[4]!.replace(/""/g, '"') };
}

/** Text that can stand in a frame of a quoted CSV frames field. */
function frameText(s: string): string {
  return s.replace(/;/g, ',').replace(/"/g, '""').replace(/[\r\n]/g, ' ');
}

export interface NativeNamesSummary {
  /** Distinct native addresses in the stacks. */
  addresses: number;
  /** Of them, those named by a function (not `??`). */
  named: number;
  modules: number;
}

export class FrameNamer {
  /** Objects in the order their module lines came; the latest covering an address wins (a range reused after dlclose). */
  private readonly modules: ModuleRange[] = [];
  private readonly objects = new Map<string, ObjectSymbols>();
  /** Names by address (hex, as recorded), until another object is loaded over it. */
  private readonly texts = new Map<string, string | Promise<string>>();
  private readonly pending: Promise<string>[] = [];
  private asked = 0;
  private named = 0;

  constructor(
    private readonly tools: Symbolizer = DEFAULT_SYMBOLIZER,
    /** Names kept between recordings (none by default). */
    private readonly cache: SymbolCache = new SymbolCache(null),
  ) {}

  /** A module line. One over an earlier object's range (after a dlclose) takes its place, and its addresses are named again. */
  addModule(m: ModuleRange): void {
    const same = this.modules.findIndex((k) => k.lo === m.lo && k.size === m.size && k.bias === m.bias && k.path === m.path);
    if (same >= 0) this.modules.splice(same, 1);
    const reused = this.modules.some((k) => k.lo < m.lo + m.size && m.lo < k.lo + k.size);
    this.modules.push(m);
    if (!reused) return;
    for (const hex of [...this.texts.keys()]) {
      const addr = BigInt(`0x${hex}`);
      if (addr >= m.lo && addr < m.lo + m.size) this.texts.delete(hex);
    }
  }

  /** The frame text of a return address (hex without 0x, as recorded). */
  name(hex: string): string | Promise<string> {
    let text = this.texts.get(hex);
    if (text !== undefined) return text;
    this.asked++;
    const addr = BigInt(`0x${hex}`);
    const m = this.moduleOf(addr);
    if (m === null) text = unknown(hex);
    else {
      const placed = this.placed(m, addr).then((t) => {
        if (!t.startsWith('?? ')) this.named++;
        return t;
      });
      this.pending.push(placed);
      text = placed;
    }
    this.texts.set(hex, text);
    return text;
  }

  /** Every name asked is known: the symbolizers end. */
  async close(): Promise<NativeNamesSummary> {
    await Promise.all(this.pending);
    for (const o of this.objects.values()) o.close();
    this.cache.save();
    return { addresses: this.asked, named: this.named, modules: this.modules.length };
  }

  private moduleOf(addr: bigint): ModuleRange | null {
    for (let i = this.modules.length - 1; i >= 0; i--) {
      const m = this.modules[i]!;
      if (addr >= m.lo && addr < m.lo + m.size) return m;
    }
    return null;
  }

  private async placed(m: ModuleRange, addr: bigint): Promise<string> {
    let o = this.objects.get(m.path);
    if (o === undefined) this.objects.set(m.path, (o = new ObjectSymbols(m.path, this.tools, this.cache.object(m.path))));
    const rel = addr - m.bias;
    // A return address: the call is the instruction before it.
    const { fn, where } = await o.resolve(rel - 1n);
    const at = where ? ` (${frameText(where)})` : '';
    return `${frameText(fn)}${at} [${frameText(basename(m.path))}+0x${rel.toString(16)}]`;
  }
}

function unknown(hex: string): string {
  return `?? [??+0x${hex}]`;
}
