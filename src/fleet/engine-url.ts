// The fleet's engine is a Redis server that BullMQ keeps its queue in, named
// by one URL: redis://[user:password@]host[:port][/db] or rediss:// for TLS.
// A password in the URL is sent with AUTH (ACL user too when named); rediss://
// verifies the server's certificate against the system's CAs, or against
// MEMREPLAY_ENGINE_CA (a PEM file) for a private CA. The URL is shown
// everywhere without its password.

import { readFileSync } from 'node:fs';
import type { RedisOptions } from 'ioredis';
import { UsageError } from '../errors.js';

export interface EngineAddress {
  /** The connection options for ioredis (and so BullMQ). */
  readonly redis: RedisOptions;
  /** The URL without its password, for messages. */
  readonly shown: string;
}

/** Parse --engine; a URL that is not a Redis URL is a usage error naming what is wrong. */
export function parseEngineUrl(text: string, env: NodeJS.ProcessEnv = process.env): EngineAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--engine ${JSON.stringify(shownUrl(text))}: not a URL; give redis://[user:password@]host[:port][/db] or rediss:// for TLS`);
  }
  const shown = shownUrl(text);
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new UsageError(`--engine ${shown}: the engine is Redis; give a redis:// or rediss:// URL (${url.protocol} is not one)`);
  }
  if (url.hostname === '') throw new UsageError(`--engine ${shown}: no host`);
  const port = url.port === '' ? 6379 : Number(url.port);
  const dbText = url.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,2}$/.test(dbText)) throw new UsageError(`--engine ${shown}: the path is the database number (0-15), not ${JSON.stringify(dbText)}`);
  const redis: RedisOptions = {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    ...(dbText !== '' ? { db: Number(dbText) } : {}),
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: tlsOptions(url.hostname, env) } : {}),
  };
  return { redis, shown };
}

/** The URL with its password replaced by `***`. */
export function shownUrl(text: string): string {
  return text.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

function tlsOptions(servername: string, env: NodeJS.ProcessEnv): RedisOptions['tls'] {
  const caFile = env['MEMREPLAY_ENGINE_CA'];
  if (caFile === undefined || caFile === '') return { servername };
  try {
    return { servername, ca: readFileSync(caFile) };
  } catch (e) {
    throw new UsageError(`MEMREPLAY_ENGINE_CA ${caFile}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
