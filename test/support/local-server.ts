import { createServer, type RequestListener } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';

/** An HTTP server on a random port of 127.0.0.1 that closes at once, open connections and all. */
export interface LocalServer {
  /** `http://127.0.0.1:PORT`, with no trailing slash. */
  readonly origin: string;
  /** How many TCP connections clients opened in all. */
  readonly connections: number;
  /** How many TCP connections are open now. */
  readonly openConnections: number;
  /** Whether the server still accepts connections. */
  readonly listening: boolean;
  /** Destroys every open connection, then stops listening. */
  close(): Promise<void>;
}

/** Starts an HTTP server on a random port of 127.0.0.1 that answers with `handler`. */
export async function startLocalServer(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  let connections = 0;
  server.on('connection', (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get openConnections() {
      return sockets.size;
    },
    get listening() {
      return server.listening;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on: a connection to it is refused. */
export async function unusedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
