// Decode speed and size of candidate chunk codecs on the events payloads of
// a .mrt file written with `memreplay convert --level 0` (stored chunks):
// why the binary format uses deflate (docs/trace-format-binary.md, "Why
// deflate"). The candidates that are no dependency of memreplay are
// installed in a scratch folder, with the zstd CLI on the PATH:
//   mkdir /tmp/codecs && cd /tmp/codecs && npm init -y && npm install fzstd@0.1.1 lz4-napi@2.10.0
//   cp scripts/measure-chunk-codecs.mjs /tmp/codecs/ && node /tmp/codecs/measure-chunk-codecs.mjs FILE.mrt
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync, brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const fzstd = require('fzstd');
const lz4napi = require('lz4-napi');
const file = process.argv[2];
const buf = readFileSync(file);
const payloads = [];
for (let at = 12; at < buf.length; ) {
  const kind = buf[at]; const stored = buf.readUInt32LE(at + 4);
  if (kind === 0x45) payloads.push(buf.subarray(at + 16, at + 16 + stored));
  at += 16 + stored;
}
const raw = payloads.reduce((n, p) => n + p.length, 0);
const dir = mkdtempSync(join(tmpdir(), 'codecs-'));
function zstdCompress(p, level) { writeFileSync(dir + '/p', p); execFileSync('zstd', ['-q', '-f', `-${level}`, dir + '/p', '-o', dir + '/p.zst']); return readFileSync(dir + '/p.zst'); }
function lz4Compress(p) { return lz4napi.compressSync(p); }
const cands = [
  ['deflate-1 (node:zlib)', (p) => deflateRawSync(p, { level: 1 }), (c, n) => inflateRawSync(c)],
  ['deflate-6 (node:zlib)', (p) => deflateRawSync(p, { level: 6 }), (c, n) => inflateRawSync(c)],
  ['brotli-1 (node:zlib)', (p) => brotliCompressSync(p, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } }), (c) => brotliDecompressSync(c)],
  ['zstd-1 (fzstd, JS)', (p) => zstdCompress(p, 1), (c) => fzstd.decompress(c)],
  ['zstd-3 (fzstd, JS)', (p) => zstdCompress(p, 3), (c) => fzstd.decompress(c)],
  ['lz4 block (lz4-napi, native)', lz4Compress, (c) => lz4napi.uncompressSync(c)],
];
console.log(`${file}: ${payloads.length} events chunks, ${(raw/1e6).toFixed(2)} MB decoded`);
for (const [name, comp, dec] of cands) {
  const packed = payloads.map(comp);
  const size = packed.reduce((n, p) => n + p.length, 0);
  for (const p of packed) dec(p); // warm
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (const p of packed) dec(p);
    best = Math.min(best, performance.now() - t);
  }
  console.log(`${name.padEnd(30)} ${(size/1e6).toFixed(2)} MB  ratio ${(raw/size).toFixed(2)}  decode ${(raw/1e6/(best/1000)).toFixed(0)} MB/s`);
}
