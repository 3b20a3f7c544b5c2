// Native frames named while the program runs: a return address recorded by
// the launcher (`@native:0xADDR` in its stack records) becomes
// `FUNCTION [OBJECT+0xOFFSET]`, or `FUNCTION (FILE:LINE) [OBJECT+0xOFFSET]`
// where the object has debug information (docs/trace-format.md). Each
// distinct address is asked once, of its object's own symbolizer
// (object-symbols.ts), as soon as the trace shows it.
//
// The object comes from the launcher's module map (`module` lines). An
// object loaded after the last map written appears in the stream a little
// later: the launcher writes the new ones after each buffer it writes (1 MiB)
// and at the end. An address in no known object waits for MODULE_WAIT_BYTES
// more of the stream, or its end, before it is written as unknown; the wait
// depends on the stream's content only, never on timing.

import { basename } from 'node:path';
import { DEFAULT_SYMBOLIZER, ObjectSymbols, type Symbolizer } from './object-symbols.js';

export { DEFAULT_SYMBOLIZER, type Symbolizer } from './object-symbols.js';

/** An object's executable code as the launcher saw it loaded (`module` lines). */
export interface ModuleRange {
  lo: bigint;
  size: bigint;
  /** Load bias: a runtime address is bias + the address in the file. */
  bias: bigint;
  path: string;
}

/** Bytes of the stream after a stack line within which its objects' module lines come (two of the launcher's buffers, and more). */
export const MODULE_WAIT_BYTES = 4 << 20;

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

interface Unplaced {
  hex: string;
  /** Stream position after which it is given up as in no object. */
  until: number;
  done: (text: string | Promise<string>) => void;
}

export class FrameNamer {
  /** Objects in the order their module lines came; the latest covering an address wins (a range reused after dlclose). */
  private readonly modules: ModuleRange[] = [];
  private readonly objects = new Map<string, ObjectSymbols>();
  private readonly texts = new Map<string, string | Promise<string>>();
  private unplaced: Unplaced[] = [];
  private named = 0;

  constructor(private readonly tools: Symbolizer = DEFAULT_SYMBOLIZER) {}

  /** A module line; addresses waiting for their object are placed. */
  addModule(m: ModuleRange): void {
    if (this.modules.some((k) => k.lo === m.lo && k.size === m.size && k.bias === m.bias && k.path === m.path)) return;
    this.modules.push(m);
    if (this.unplaced.length === 0) return;
    const still: Unplaced[] = [];
    for (const u of this.unplaced) {
      const addr = BigInt(`0x${u.hex}`);
      if (addr >= m.lo && addr < m.lo + m.size) u.done(this.placed(m, addr));
      else still.push(u);
    }
    this.unplaced = still;
  }

  /** The frame text of a return address (hex without 0x, as recorded) seen at stream position `at`. */
  name(hex: string, at: number): string | Promise<string> {
    let text = this.texts.get(hex);
    if (text === undefined) {
      const addr = BigInt(`0x${hex}`);
      const m = this.moduleOf(addr);
      if (m !== null) text = this.placed(m, addr);
      else text = new Promise<string>((done) => void this.unplaced.push({ hex, until: at + MODULE_WAIT_BYTES, done }));
      this.texts.set(hex, text);
      void Promise.resolve(text).then((t) => {
        if (!t.startsWith('?? ')) this.named++;
        this.texts.set(hex, t);
      });
    }
    return text;
  }

  /** The stream has reached `at`: addresses in no object that long are unknown. */
  advance(at: number): void {
    if (this.unplaced.length === 0 || this.unplaced[0]!.until > at) return;
    const still: Unplaced[] = [];
    for (const u of this.unplaced) {
      if (u.until <= at) u.done(unknown(u.hex));
      else still.push(u);
    }
    this.unplaced = still;
  }

  /** The stream has ended: no more module lines. */
  end(): void {
    for (const u of this.unplaced) u.done(unknown(u.hex));
    this.unplaced = [];
  }

  /** Every name asked is written: the symbolizers end. */
  async close(): Promise<NativeNamesSummary> {
    this.end();
    await Promise.all([...this.texts.values()]);
    for (const o of this.objects.values()) o.close();
    return { addresses: this.texts.size, named: this.named, modules: this.modules.length };
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
    if (o === undefined) this.objects.set(m.path, (o = new ObjectSymbols(m.path, this.tools)));
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
