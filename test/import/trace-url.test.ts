// Traces read from http(s):// URLs: the body streams like a file (gzip told
// from the bytes, several chunks), a URL is named without its query (a
// presigned signature is a secret), and a failed or redirected request is one
// typed error naming the URL.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MemreplayError } from '../../src/errors.js';
import { openTrace, traceDisplayName } from '../../src/import/source.js';
import { isTraceUrl, urlDisplayName } from '../../src/import/trace-url.js';
import { expandInputs } from '../../src/batch/expand-inputs.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertTrace } from '../../src/run/convert.js';
import { traceDigest } from './trace-digest.js';

const SAMPLE = join(__dirname, '..', '..', 'traces', 'startup-3.11.csv.gz');
const dir = mkdtempSync(join(tmpdir(), 'memreplay-url-'));
const MRT = join(dir, 'startup.mrt');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A few MiB of text that compresses poorly, so both the plain and gzip bodies span many chunks. */
const LINES = Array.from({ length: 120_000 }, (_, i) => `alloc,0x${(i * 7919).toString(16)},${(i * 31) % 500}`);
const TEXT = `op,addr,size\n${LINES.join('\n')}\n`;
const GZ = gzipSync(TEXT);

let server: Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const path = (req.url ?? '').replace(/\?.*$/, '');
    if (path === '/t.csv') return res.end(TEXT);
    if (path === '/t.csv.gz') return res.end(GZ);
    if (path === '/sample.csv.gz') return res.end(readFileSync(SAMPLE));
    if (path === '/sample.mrt') return res.end(readFileSync(MRT));
    if (path === '/moved') return res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    res.writeHead(404, 'Not Found').end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function readAll(path: string): Promise<{ text: string; chunks: number; name: string; gzip: boolean }> {
  const source = await openTrace(path);
  const parts: Uint8Array[] = [];
  for await (const chunk of source.chunks()) parts.push(chunk);
  return { text: Buffer.concat(parts).toString('utf8'), chunks: parts.length, name: source.name, gzip: source.gzip };
}

describe('a trace at an http URL', () => {
  test('streams the body in chunks, plain or gzip, and is named without the query', async () => {
    const plain = await readAll(`${base}/t.csv?X-Amz-Signature=s3cr3t`);
    expect(plain.text).toBe(TEXT);
    expect(plain.chunks).toBeGreaterThan(1);
    expect(plain.gzip).toBe(false);
    expect(plain.name).toBe(`${base}/t.csv`);
    const gz = await readAll(`${base}/t.csv.gz`);
    expect(gz.text).toBe(TEXT);
    expect(gz.gzip).toBe(true);
    // The signature went to the server, as a presigned URL needs.
    expect(requested).toContain('/t.csv?X-Amz-Signature=s3cr3t');
  });

  test('a gzip CSV and a binary .mrt trace import from a URL as they do from a file', async () => {
    await convertTrace(SAMPLE, MRT);
    const file = await traceDigest(SAMPLE);
    expect(file.events).toBeGreaterThan(1000);
    expect(await traceDigest(`${base}/sample.csv.gz?sig=1`)).toEqual(file);
    expect(await traceDigest(`${base}/sample.mrt`)).toEqual(file);
  });

  test('a missing object is one error naming the URL and the HTTP status, without the query', async () => {
    const err = await openTrace(`${base}/gone.csv?sig=s3cr3t`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MemreplayError);
    expect((err as Error).message).toBe(`cannot read trace ${base}/gone.csv: HTTP 404 Not Found`);
  });

  test('a redirect is refused, never followed', async () => {
    const err = await openTrace(`${base}/moved`).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^cannot read trace .*\/moved: HTTP 302 redirect \(redirects are not followed/);
  });

  test('a server that is not there is one error naming the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await openTrace(`http://127.0.0.1:${port}/t.csv`).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`cannot read trace http://127.0.0.1:${port}/t.csv: ECONNREFUSED`);
  });
});

describe('URL names', () => {
  test('only http and https are URLs; credentials, query and fragment are not shown', () => {
    expect(isTraceUrl('https://h/x')).toBe(true);
    expect(isTraceUrl('file:///etc/passwd')).toBe(false);
    expect(isTraceUrl('traces/http:/x')).toBe(false);
    expect(urlDisplayName('https://user:pw@h:8443/a/b.csv?sig=1#f')).toBe('https://h:8443/a/b.csv');
    expect(traceDisplayName('https://h/a.csv?sig=1')).toBe('https://h/a.csv');
    expect(traceDisplayName('-')).toBe('<stdin>');
  });

  test('argument expansion keeps a URL as given, even with glob characters, once', async () => {
    const url = 'https://h/a.csv?sig=[1]*';
    expect(await expandInputs([url, url, 'https://h/b.csv'])).toEqual([url, 'https://h/b.csv']);
  });
});
