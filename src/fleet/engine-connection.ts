// Connections to the engine. Every BullMQ object gets the parsed URL's options
// (password, TLS); workers need maxRetriesPerRequest null (BullMQ's blocking
// commands must wait through a reconnect), and the short-lived commands fail
// fast with one line rather than retrying for ever against a wrong address.

import type { ConnectionOptions } from 'bullmq';
import { MemreplayError } from '../errors.js';
import type { EngineAddress } from './engine-url.js';

/** For a long-running worker: reconnects, and waits through it. */
export function workerConnection(engine: EngineAddress): ConnectionOptions {
  return { ...engine.redis, maxRetriesPerRequest: null };
}

/** For submit, status and report: a few tries, then an error. */
export function commandConnection(engine: EngineAddress): ConnectionOptions {
  return { ...engine.redis, maxRetriesPerRequest: 1, connectTimeout: 5000, retryStrategy: (times: number) => (times > 3 ? null : 200 * times) };
}

/** An error from the engine, as one line naming the engine (never its password). */
export function engineError(engine: EngineAddress, e: unknown): MemreplayError {
  const message = (e as Error)?.message ?? String(e);
  const why = /WRONGPASS|NOAUTH|invalid username-password/i.test(message)
    ? 'authentication failed (check the user and password in the URL)'
    : /ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|Connection is closed|max retries/i.test(message)
      ? `cannot connect (${message.split('\n')[0]})`
      : /certificate|SSL|TLS/i.test(message)
        ? `TLS: ${message.split('\n')[0]} (for a private CA, set MEMREPLAY_ENGINE_CA to its PEM file)`
        : message.split('\n')[0];
  return new MemreplayError(`engine ${engine.shown}: ${why}`, { cause: e });
}
