// The names of addresses in one object file (a shared object or executable),
// asked while the program runs: one `addr2line -f -C -e OBJECT` per object,
// started at its first address and kept running, each address written to it
// as it is first seen (addr2line answers each line of its input at once:
// two lines, the function and FILE:LINE). For functions it cannot name (a
// stripped library such as Debian's libz keeps only its exported symbols)
// `nm -D`, run once per object at need: the nearest exported symbol at or
// below the address. The toolchain's own tools read the symbols and DWARF;
// there is no reader of our own.

import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ObjectNames } from './symbol-cache.js';

export interface Symbolizer {
  addr2line: string;
  nm: string;
}

export const DEFAULT_SYMBOLIZER: Symbolizer = { addr2line: 'addr2line', nm: 'nm' };

export interface Resolved {
  /** The function, or `??`. */
  fn: string;
  /** FILE:LINE from debug information, or null. */
  where: string | null;
}

const UNKNOWN: Resolved = { fn: '??', where: null };

interface Exported {
  at: bigint;
  name: string;
}

export class ObjectSymbols {
  private readonly readable: boolean;
  private server: ChildProcessWithoutNullStreams | null = null;
  /** addr2line could not start, or ended: nothing more is asked. */
  private gone = false;
  /** Answers owed by addr2line, in the order asked. */
  private readonly waiting: ((r: Resolved) => void)[] = [];
  private partial = '';
  private fnLine: string | null = null;
  private exported: Promise<Exported[]> | null = null;

  constructor(
    private readonly path: string,
    private readonly tools: Symbolizer,
    /** Names kept from earlier recordings (symbol-cache.ts), and where new ones go. */
    private readonly names: ObjectNames = new ObjectNames(path, null),
  ) {
    this.readable = existsSync(path);
  }

  /** The function (and FILE:LINE) at `rel`, an address in the file. */
  async resolve(rel: bigint): Promise<Resolved> {
    if (!this.readable) return UNKNOWN;
    const kept = this.names.get(rel);
    if (kept !== undefined) return kept;
    const r = await this.lookUp(rel);
    // Only functions the tools named: an unknown one is asked again next time (the tools may be there then).
    if (r.fn !== '??') this.names.set(rel, r);
    return r;
  }

  private async lookUp(rel: bigint): Promise<Resolved> {
    const r = await this.ask(rel);
    if (r.fn !== '??') return r;
    const exported = await (this.exported ??= exportedFunctions(this.tools.nm, this.path));
    return { fn: nearestBelow(exported, rel) ?? '??', where: r.where };
  }

  /** Ends addr2line (it exits at the end of its input). */
  close(): void {
    this.server?.stdin.end();
  }

  private ask(rel: bigint): Promise<Resolved> {
    if (this.gone) return Promise.resolve(UNKNOWN);
    const server = this.server ?? this.start();
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      server.stdin.write(`0x${rel.toString(16)}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    const server = spawn(this.tools.addr2line, ['-f', '-C', '-e', this.path], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.server = server;
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (text: string) => this.answer(text));
    server.stderr.resume();
    // Not installed, or gone: every address owed, and every later one, is unknown.
    const fail = (): void => {
      this.gone = true;
      for (const w of this.waiting.splice(0)) w(UNKNOWN);
      this.fnLine = null;
    };
    server.on('error', fail);
    server.on('close', fail);
    server.stdin.on('error', () => undefined);
    return server;
  }

  private answer(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) {
      if (this.fnLine === null) {
        this.fnLine = line;
        continue;
      }
      const fn = this.fnLine;
      this.fnLine = null;
      const loc = line.replace(/ \(discriminator \d+\)$/, '');
      const known = /^(.+):(\d+)$/.exec(loc);
      this.waiting.shift()?.({ fn: fn === '' ? '??' : fn, where: known && known[1] !== '??' && known[2] !== '0' ? loc : null });
    }
  }
}

/** Exported functions, sorted by address (`nm -D --defined-only`); none when nm fails. */
function exportedFunctions(tool: string, path: string): Promise<Exported[]> {
  return new Promise((resolve) => {
    execFile(tool, ['-D', '--defined-only', path], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, out) => {
      if (error) return resolve([]);
      const syms: Exported[] = [];
      for (const line of out.split('\n')) {
        const m = /^([0-9a-f]+) [TtWi] (\S+)$/.exec(line);
        if (m) syms.push({ at: BigInt(`0x${m[1]}`), name: m[2]!.replace(/@.*$/, '') });
      }
      resolve(syms.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)));
    });
  });
}

function nearestBelow(syms: Exported[], rel: bigint): string | null {
  let lo = 0;
  let hi = syms.length - 1;
  let found: string | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (syms[mid]!.at <= rel) {
      found = syms[mid]!.name;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
