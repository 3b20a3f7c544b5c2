// Traces named by an http(s):// URL (an object store through a presigned URL,
// a CI artifact): the response body is read as a stream with backpressure,
// like a file, never held whole. A URL is shown without its query, fragment
// and credentials: a presigned URL's signature is a secret, and it must not
// reach a report, an error message or the fleet's job ids.
//
// Redirects are refused rather than followed: a URL given to a fleet worker is
// the one place it may read, and a redirect could point it anywhere.

import { Readable } from 'node:stream';
import { MemreplayError } from '../errors.js';

/** True for the inputs read over the network. */
export function isTraceUrl(path: string): boolean {
  return /^https?:\/\//i.test(path);
}

/** The URL as shown in messages and reports: scheme, host and path only. */
export function urlDisplayName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/s, '');
  }
}

/**
 * A request that may well work when tried again: no connection, a timeout,
 * HTTP 5xx or 429. A fleet worker retries these; a 404 or bad data it does not.
 */
export class TransientReadError extends MemreplayError {
  override name = 'TransientReadError';
}

export interface UrlBody {
  readonly body: Readable;
  /** Content-Length, when the server sent one (progress total). */
  readonly totalBytes: number | undefined;
}

/** GET the URL and return its body as a stream; a failure names the URL and why, in one line. */
export async function fetchTraceBody(url: string): Promise<UrlBody> {
  const name = urlDisplayName(url);
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'manual' });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new TransientReadError(`cannot read trace ${name}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, { cause: e });
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new MemreplayError(`cannot read trace ${name}: HTTP ${response.status} redirect (redirects are not followed; give the final URL)`);
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    const message = `cannot read trace ${name}: HTTP ${response.status} ${response.statusText}`.trimEnd();
    throw response.status >= 500 || response.status === 429 ? new TransientReadError(message) : new MemreplayError(message);
  }
  const length = Number(response.headers.get('content-length'));
  // The web stream's chunks come as Uint8Arrays; Readable.fromWeb keeps the pull-based backpressure.
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  return { body, totalBytes: Number.isFinite(length) && length > 0 ? length : undefined };
}
