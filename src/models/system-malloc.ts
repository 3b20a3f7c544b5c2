// The account of everything pymalloc does not serve: requests of 0 or more
// than 512 bytes in the OBJ/MEM domains (pymalloc hands them to the C
// library's malloc) and every RAW-domain call. Their addresses come from the
// trace; the model only counts blocks and bytes.

export class SystemMallocAccount {
  /** Live blocks and the bytes asked of the C library (malloc(0) asks for 1). */
  liveBlocks = 0;
  liveBytes = 0;
  /** Live OBJ/MEM blocks pymalloc passed on: part of sys.getallocatedblocks(). */
  objMemLiveBlocks = 0;

  /** Bytes the C library is asked for a request of n bytes. */
  static bytesFor(n: number): number {
    return n === 0 ? 1 : n;
  }

  add(n: number, objMem: boolean): void {
    this.liveBlocks++;
    this.liveBytes += SystemMallocAccount.bytesFor(n);
    if (objMem) this.objMemLiveBlocks++;
  }

  remove(n: number, objMem: boolean): void {
    this.liveBlocks--;
    this.liveBytes -= SystemMallocAccount.bytesFor(n);
    if (objMem) this.objMemLiveBlocks--;
  }
}
