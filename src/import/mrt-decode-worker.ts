// The worker thread of mrt-decode-thread.ts: inflates and decodes events
// chunks (mrt-chunk-decoder.ts) while the reader's thread replays the ones
// before. Decoded columns travel back in one transferred ArrayBuffer, which
// the reader returns once it has handed the events on, so that the steady
// state allocates no column buffer.

import { parentPort, workerData } from 'node:worker_threads';
import { ChunkDecoder } from './mrt-chunk-decoder.js';
import type { DecodeRequest } from './mrt-decode-thread.js';

const decoder = new ChunkDecoder();

parentPort!.on('message', (m: DecodeRequest | { recycle: ArrayBuffer }) => {
  if ('recycle' in m) {
    decoder.spare.push(m.recycle);
    return;
  }
  const { reply, transfer } = decoder.decode(m);
  parentPort!.postMessage(reply, transfer);
});
// Loaded and listening: the reader posts its chunks here from now on (until
// then it decodes them itself rather than wait for this thread to start).
Atomics.store(workerData as Int32Array, 0, 1);
