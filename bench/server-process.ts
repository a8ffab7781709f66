import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The fake server's process, seen from the benchmark. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** The OpenAI-style base URL, `<origin>/v1`. */
  apiBase: string;
  /** The CPU time the server process has used so far, in microseconds. Ask one at a time. */
  cpuMicros(): Promise<number>;
  /** Asks the server to stop and waits for its process to exit. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

/** Forks `fake-server/main.ts` and resolves once it listens. A server that dies later is reported on stderr. */
export async function startFakeServer(): Promise<FakeServer> {
  const child = fork(fileURLToPath(new URL('./fake-server/main.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await portOf(child);
  let stopping = false;
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[bench] the fake server exited unexpectedly (code ${code}, signal ${signal})`);
    }
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    apiBase: `${origin}/v1`,
    cpuMicros: () =>
      new Promise((resolve, reject) => {
        child.once('message', (message) => {
          const cpuMicros = (message as { cpuMicros?: unknown }).cpuMicros;
          if (typeof cpuMicros === 'number') resolve(cpuMicros);
          else
            reject(
              new Error(`the fake server sent ${JSON.stringify(message)} instead of its CPU time`),
            );
        });
        child.send('cpu');
      }),
    close: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send('stop');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

function portOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the fake server did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once('message', (message) => {
      clearTimeout(timer);
      const port = (message as { port?: unknown }).port;
      if (typeof port === 'number') resolve(port);
      else reject(new Error(`the fake server sent ${JSON.stringify(message)} instead of its port`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the fake server exited with code ${code} before listening`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
