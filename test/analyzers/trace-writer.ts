// Small hand-written traces for analyzer tests: CSV text with stacks, marks
// and allocations at made-up addresses (no arena records, so the model
// places its own arenas; every count, site and size class is still exact).

export class TraceWriter {
  private readonly lines: string[] = [];
  private next = 0x10000000;
  private ts = 0;

  constructor(python = '3.11.7') {
    this.lines.push(`# python: ${python}`, 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label');
  }

  /** Allocate `size` bytes with this stack (frames oldest first); returns the address. */
  alloc(size: number, frames: readonly string[] = [], domain = 'obj'): number {
    const addr = this.next;
    this.next += Math.max(16, size + 16 - (size % 16));
    this.lines.push(`alloc,0x${addr.toString(16)},${size},,${domain},${this.tick()},1,,"${frames.join(';').replaceAll('"', '""')}",`);
    return addr;
  }

  free(addr: number, domain = 'obj'): void {
    this.lines.push(`free,0x${addr.toString(16)},,,${domain},${this.tick()},1,,,`);
  }

  mark(label: string): void {
    this.lines.push(`mark,,,,,${this.tick()},1,,,${label}`);
  }

  text(): string {
    return this.lines.join('\n') + '\n';
  }

  private tick(): number {
    this.ts += 1000;
    return this.ts;
  }
}

export const MAIN = 'main (app/main.py:5)';

/**
 * A program that runs `iterations` iterations (a mark after each): a cache
 * filled in the first two, a transient list each time, and, with `leak`,
 * 64 bytes appended to a global list at app/server.py:42 every iteration.
 */
export function iterationsTrace(iterations: number, leak: boolean): string {
  const w = new TraceWriter();
  for (let i = 0; i < 20; i++) w.alloc(48, ['<frozen importlib._bootstrap>:241', 'lib/python3.11/json/decoder.py:30']);
  for (let it = 1; it <= iterations; it++) {
    if (it <= 2) for (let k = 0; k < 5; k++) w.alloc(100, [MAIN, 'warm (app/cache.py:10)']);
    const temp = [];
    for (let k = 0; k < 8; k++) temp.push(w.alloc(32, [MAIN, 'handle (app/server.py:30)']));
    if (leak) w.alloc(64, [MAIN, 'handle (app/server.py:30)', 'remember (app/server.py:42)']);
    for (const a of temp) w.free(a);
    w.mark(`iteration ${it}`);
  }
  return w.text();
}
