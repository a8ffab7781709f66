import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startLocalServer } from './local-server.js';

const FIXTURES = new URL('../fixtures/providers/', import.meta.url);

/** The bytes of a recorded provider response in `test/fixtures/providers/`. */
export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The parsed `data:` payloads of an SSE fixture, `[DONE]` left out. */
export function fixtureEvents<T = unknown>(name: string): T[] {
  return fixture(name)
    .split(/\r?\n/)
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice('data: '.length)) as T);
}

/** How the fake provider answers one request. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** The body, sent unchanged. */
  body?: string;
  /** Write the body in slices of this many bytes, each in its own write. */
  sliceBytes?: number;
  /** Destroy the socket after this many body bytes: a connection cut mid-response. */
  cutAfterBytes?: number;
  /** Write the body, then keep the response open until the client goes away. */
  holdOpen?: boolean;
  /** Never answer at all. */
  hang?: boolean;
  /** Answer only once this settles. */
  gate?: Promise<unknown>;
  /** Work the reply out from the request (an embeddings batch answered with one vector per input); its fields override these. */
  respond?: (request: ReceivedRequest) => FakeReply;
  /**
   * After `body`, write `piece` this many times, each write waiting for the socket to drain:
   * a huge body that the server never holds in memory; then `tail`, if given.
   */
  repeat?: { piece: string; times: number; tail?: string };
}

/** A request the fake provider received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON (`{}` when empty). */
  body: Record<string, unknown>;
  /** The body as it was sent. */
  text: string;
}

/** A local OpenAI-compatible server on 127.0.0.1 that replays scripted bytes. */
export interface FakeProvider {
  /** The base URL to pass as `apiBase` (`http://127.0.0.1:PORT/v1`). */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** How many TCP connections clients opened. */
  readonly connections: number;
  /** Resolves when the client has closed the connection of the response with this index. */
  clientGone(index: number): Promise<void>;
  /** Forgets the requests received so far: the next one has index 0 again. */
  forget(): void;
  /** Scripts the next replies, answered in order; the last one repeats. Replaces any earlier script. */
  reply(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/** An SSE body from JSON payloads, framed as OpenAI frames it. */
export function sse(...payloads: Array<unknown>): string {
  return payloads
    .map(
      (payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`,
    )
    .join('');
}

/** Starts a fake provider on a random port of 127.0.0.1 (tests get one from `useFakeProvider()`). */
async function startFakeProvider(): Promise<FakeProvider> {
  const queue: FakeReply[] = [];
  const requests: ReceivedRequest[] = [];
  const gone: Array<Promise<void>> = [];

  let arrived = 0;
  const server = await startLocalServer((request, response) => {
    // Counted as it arrives: bodies of concurrent requests may finish reading in any order.
    const index = arrived++;
    gone[index] = new Promise((resolve) => response.on('close', () => resolve()));
    readBody(request).then((text) => {
      const received: ReceivedRequest = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: text === '' ? {} : JSON.parse(text),
        text,
      };
      requests.push(received);
      const reply = (queue.length > 1 ? queue.shift() : queue[0]) ?? { status: 404, body: '{}' };
      void answer(reply.respond ? { ...reply, ...reply.respond(received) } : reply, response);
    });
  });

  return {
    url: `${server.origin}/v1`,
    requests,
    get connections() {
      return server.connections;
    },
    clientGone: (index) => gone[index] ?? Promise.reject(new Error(`no request ${index}`)),
    forget: () => {
      requests.length = 0;
      gone.length = 0;
      arrived = 0;
    },
    reply: (...replies) => {
      queue.length = 0;
      queue.push(...replies);
    },
    close: () => server.close(),
  };
}

/** What `useFakeProvider()` does before each test. */
export interface FakeProviderSetup {
  /**
   * The script each test starts with, as `reply()` takes it; a test may script its own.
   * @default none: a request is answered 404 until the test scripts a reply
   */
  reply?: FakeReply | readonly FakeReply[];
}

/**
 * A fake provider for the tests around the call (a file, or a `describe` block): started
 * before them, closed after them, and before each test its received requests emptied and its
 * script reset to `setup.reply`. The handle forwards to the server, so it can be kept in a
 * module-level constant although the server starts later; use it inside tests and hooks.
 *
 * @example
 * const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
 * it('sends the model', async () => {
 *   await createClient({ providers: { openai: { apiKey: 'sk-test', apiBase: fake.url } } })
 *     .completion({ model: 'gpt-4o-mini', messages });
 *   expect(fake.requests[0]?.body.model).toBe('gpt-4o-mini');
 * });
 */
export function useFakeProvider(setup: FakeProviderSetup = {}): FakeProvider {
  const script = setup.reply === undefined ? [] : [setup.reply].flat();
  let started: FakeProvider | undefined;
  const current = (): FakeProvider => {
    if (started === undefined) {
      throw new Error('the fake provider starts in beforeAll: use it inside a test or a hook');
    }
    return started;
  };
  beforeAll(async () => {
    started = await startFakeProvider();
  });
  afterAll(() => current().close());
  beforeEach(() => {
    current().forget();
    current().reply(...script);
  });
  return {
    get url() {
      return current().url;
    },
    get requests() {
      return current().requests;
    },
    get connections() {
      return current().connections;
    },
    clientGone: (index) => current().clientGone(index),
    forget: () => current().forget(),
    reply: (...replies) => current().reply(...replies),
    close: () => current().close(),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const piece of request) text += piece;
  return text;
}

async function answer(reply: FakeReply, response: ServerResponse): Promise<void> {
  if (reply.hang) return;
  if (reply.gate) await reply.gate;
  const body = Buffer.from(reply.body ?? '');
  const isStream = /^(data|event|id|retry)?:/.test(reply.body ?? '');
  response.writeHead(reply.status ?? 200, {
    'content-type': isStream ? 'text/event-stream' : 'application/json',
    ...reply.headers,
  });
  const limit = reply.cutAfterBytes ?? body.length;
  const slice = reply.sliceBytes ?? body.length;
  for (let offset = 0; offset < limit; offset += slice) {
    if (response.destroyed) return;
    response.write(body.subarray(offset, Math.min(offset + slice, limit)));
    if (reply.sliceBytes) await new Promise((resolve) => setImmediate(resolve));
  }
  if (reply.repeat) await writeRepeated(response, reply.repeat);
  if (reply.cutAfterBytes !== undefined) {
    // Let the written bytes leave before the cut, so the client sees them first.
    await new Promise((resolve) => setImmediate(resolve));
    response.socket?.destroy();
    return;
  }
  if (!reply.holdOpen) response.end();
}

/** Writes `piece` `times` times, respecting backpressure; stops when the client goes away. */
async function writeRepeated(
  response: ServerResponse,
  { piece, times, tail }: { piece: string; times: number; tail?: string },
): Promise<void> {
  const bytes = Buffer.from(piece);
  for (let count = 0; count < times; count++) {
    if (response.destroyed) return;
    if (!response.write(bytes)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          response.off('drain', done);
          response.off('close', done);
          resolve();
        };
        response.on('drain', done);
        response.on('close', done);
      });
    }
  }
  if (tail !== undefined && !response.destroyed) response.write(tail);
}
