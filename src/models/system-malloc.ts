// The account of everything pymalloc does not serve: requests of 0 or more
// than 512 bytes in the OBJ/MEM domains (pymalloc hands them to the C
// library's malloc), every RAW-domain call, and every native block (C code's
// own malloc, the native trace contract). Their addresses come from the
// trace; the model only counts blocks and bytes.

import { DOMAIN_NATIVE, DOMAIN_RAW } from '../events/ops.js';

export class SystemMallocAccount {
  /** Live blocks and the bytes asked of the C library (malloc(0) asks for 1). */
  liveBlocks = 0;
  liveBytes = 0;
  /** Live OBJ/MEM blocks pymalloc passed on: part of sys.getallocatedblocks(). */
  objMemLiveBlocks = 0;
  /** Live native blocks and their bytes (included in liveBlocks and liveBytes). */
  nativeLiveBlocks = 0;
  nativeLiveBytes = 0;

  /** Bytes the C library is asked for a request of n bytes. */
  static bytesFor(n: number): number {
    return n === 0 ? 1 : n;
  }

  add(n: number, domain: number): void {
    const bytes = SystemMallocAccount.bytesFor(n);
    this.liveBlocks++;
    this.liveBytes += bytes;
    if (domain < DOMAIN_RAW) this.objMemLiveBlocks++;
    else if (domain === DOMAIN_NATIVE) {
      this.nativeLiveBlocks++;
      this.nativeLiveBytes += bytes;
    }
  }

  remove(n: number, domain: number): void {
    const bytes = SystemMallocAccount.bytesFor(n);
    this.liveBlocks--;
    this.liveBytes -= bytes;
    if (domain < DOMAIN_RAW) this.objMemLiveBlocks--;
    else if (domain === DOMAIN_NATIVE) {
      this.nativeLiveBlocks--;
      this.nativeLiveBytes -= bytes;
    }
  }
}
