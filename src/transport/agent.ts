import { Agent, type Dispatcher } from 'undici';

let shared: Dispatcher | undefined;

/**
 * The keep-alive agent every client shares unless it was given its own `dispatcher`.
 * Connections are reused across calls; idle sockets do not keep the process alive.
 */
export function sharedAgent(): Dispatcher {
  shared ??= new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connect: { timeout: 10_000 },
  });
  return shared;
}
