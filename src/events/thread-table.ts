// Thread ids (integers or strings in the trace) interned to small integers.
// Bounded: past MAX_THREADS every new id shares one overflow id.

export const MAX_THREADS = 65_536;

export class ThreadTable {
  private readonly byNumber = new Map<number, number>();
  private readonly byString = new Map<string, number>();
  private readonly names: string[] = [];

  get count(): number {
    return this.names.length;
  }

  internNumber(value: number): number {
    const known = this.byNumber.get(value);
    if (known !== undefined) return known;
    const id = this.add(String(value));
    this.byNumber.set(value, id);
    return id;
  }

  internString(value: string): number {
    const known = this.byString.get(value);
    if (known !== undefined) return known;
    const id = this.add(value.length > 256 ? value.slice(0, 256) : value);
    this.byString.set(value, id);
    return id;
  }

  name(id: number): string {
    return this.names[id] ?? '';
  }

  private add(name: string): number {
    if (this.names.length >= MAX_THREADS) return MAX_THREADS - 1;
    this.names.push(this.names.length === MAX_THREADS - 1 ? '(other threads)' : name);
    return this.names.length - 1;
  }
}
