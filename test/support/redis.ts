import { connect, createServer, type Server, type Socket } from 'node:net';

export const REDIS_HOST = process.env.REDIS_HOST ?? '127.0.0.1';
export const REDIS_PORT = Number(process.env.REDIS_PORT ?? 6379);

/** True when a Redis server answers PING on REDIS_HOST:REDIS_PORT (127.0.0.1:6379 by default). */
export async function redisIsUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: REDIS_HOST, port: REDIS_PORT });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/** Says, once, why the Redis tests are skipped. */
export function explainSkip(up: boolean): void {
  if (!up) {
    console.warn(
      `[shallot tests] Redis is not reachable on ${REDIS_HOST}:${REDIS_PORT}: skipping the Redis cache tests. Start redis-server (or set REDIS_HOST/REDIS_PORT) to run them.`,
    );
  }
}

/** A TCP proxy in front of Redis that a test can stop: "Redis went down". */
export interface StoppableProxy {
  port: number;
  stop(): Promise<void>;
}

export async function redisProxy(): Promise<StoppableProxy> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: REDIS_HOST, port: REDIS_PORT });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
