/**
 * LiteLLM's callbacks (docs/legacy-callbacks.md): which hook fires for which event, what
 * `kwargs` holds at each, that every callback gets its own copy, and that a callback's failure
 * is reported by name and event, never to the caller.
 */
import {
  Cache,
  type CallbackErrorInfo,
  type CallbackKwargs,
  type ChatCompletionChunk,
  type ClientOptions,
  CustomLogger,
  createClient,
  ValidationError,
} from 'shallot';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { collect, rejectionOf } from '../support/streams.js';

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const KEY = 'sk-callbacks-promise-0123456789';
const messages = [{ role: 'user' as const, content: 'Hi' }];

/** A client on the fake provider whose callback failures are kept. */
function clientWithReports(options: ClientOptions = {}) {
  const reports: Array<{ error: unknown; info: CallbackErrorInfo }> = [];
  const client = createClient({
    providers: { openai: { apiKey: KEY, apiBase: fake.url } },
    onCallbackError: (error, info) => reports.push({ error, info }),
    ...options,
  });
  return { client, reports };
}

const caches: Cache[] = [];
afterAll(async () => {
  for (const cache of caches) await cache.close();
});

describe('which hooks fire', () => {
  it('a handler with only a post-API hook gets it, once per attempt', async () => {
    const { client } = clientWithReports();
    const seen: string[] = [];
    class PostOnly extends CustomLogger {
      override logPostApiCall(kwargs: CallbackKwargs) {
        seen.push(kwargs.log_event_type);
      }
    }
    client.callbacks = [new PostOnly()];
    await client.completion({ model: 'gpt-4o-mini', messages });
    expect(seen).toEqual(['post_api_call']);
  });

  it('a handler with only a stream hook gets every chunk', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    const { client } = clientWithReports();
    const chunks: ChatCompletionChunk[] = [];
    class StreamOnly extends CustomLogger {
      override logStreamEvent(_kwargs: CallbackKwargs, chunk: ChatCompletionChunk) {
        chunks.push(chunk);
      }
    }
    client.callbacks = [new StreamOnly()];
    const read = await collect(
      await client.completion({ model: 'gpt-4o-mini', messages, stream: true }),
    );
    await client.flush();
    expect(chunks).toEqual(read);
    expect(chunks.length).toBeGreaterThan(1);
  });

  it('a plain object with one hook gets that hook only, and nothing is reported for the events it lacks', async () => {
    fake.reply(
      { status: 503, body: JSON.stringify({ error: { message: 'down' } }) },
      {
        body: fixture('openai-chat.json'),
      },
    );
    const { client, reports } = clientWithReports({
      numRetries: 1,
      retry: { jitter: 0, baseDelayMs: 0 },
    });
    const seen: string[] = [];
    client.callbacks = [
      { logSuccessEvent: (kwargs: CallbackKwargs) => seen.push(kwargs.log_event_type) },
    ];
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    expect(seen).toEqual(['successful_api_call']);
    expect(reports).toEqual([]);
  });

  it('sees a callback replaced in place in its array on the next call', async () => {
    const { client } = clientWithReports();
    const seen: string[] = [];
    client.successCallback.push(() => seen.push('first'));
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    client.successCallback[0] = () => seen.push('second');
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    expect(seen).toEqual(['first', 'second']);
  });

  it('looks a handler object’s hooks up again on every call: a hook added later fires', async () => {
    const { client } = clientWithReports();
    const seen: string[] = [];
    const handler: Record<string, unknown> = {};
    client.callbacks = [handler as never];
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    handler.logSuccessEvent = () => seen.push('success');
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    expect(seen).toEqual(['success']);
  });
});

describe('a callback that fails', () => {
  it('is reported with its event: a stream hook as stream_event', async () => {
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    const { client, reports } = clientWithReports();
    class Throwing extends CustomLogger {
      override logStreamEvent() {
        throw new Error('stream hook broke');
      }
    }
    client.callbacks = [new Throwing()];
    await collect(await client.completion({ model: 'gpt-4o-mini', messages, stream: true }));
    await client.flush();
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0]?.info).toEqual({
      callback: 'Throwing.logStreamEvent',
      event: 'stream_event',
    });
  });

  it('is reported with its event: a failure hook of an attempt that is retried as failed_api_call, told will_retry', async () => {
    fake.reply(
      { status: 503, body: JSON.stringify({ error: { message: 'down' } }) },
      {
        body: fixture('openai-chat.json'),
      },
    );
    const { client, reports } = clientWithReports({
      numRetries: 1,
      retry: { jitter: 0, baseDelayMs: 0 },
    });
    const told: Array<[string, boolean]> = [];
    client.failureCallback.push(function failing(kwargs: CallbackKwargs) {
      told.push([kwargs.log_event_type, kwargs.will_retry]);
      throw new Error('failure hook broke');
    });
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    expect(told).toEqual([['failed_api_call', true]]);
    expect(reports.map((report) => report.info)).toEqual([
      { callback: 'failing', event: 'failed_api_call' },
    ]);
  });

  it('is named "anonymous function" when it has no name, and "handler" when its object has no class', async () => {
    const { client, reports } = clientWithReports();
    client.successCallback.push(
      [
        () => {
          throw new Error('anonymous');
        },
      ][0] as never,
    );
    const bare = Object.create(null) as Record<string, unknown>;
    bare.logSuccessEvent = () => {
      throw new Error('bare');
    };
    client.successCallback.push(bare as never);
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    expect(reports.map((report) => report.info.callback)).toEqual([
      'anonymous function',
      'handler.logSuccessEvent',
    ]);
  });
});

describe('callback arrays that are not arrays of callbacks', () => {
  it('refuse a function where an array belongs, and an entry that is null, text or a number, naming it', async () => {
    const cases: Array<[unknown, string]> = [
      [
        (_kwargs: unknown, _response: unknown) => {},
        'successCallback: expected an array of callbacks, received function. Assign an array, such as [myCallback].',
      ],
      [[null], 'successCallback[0]: expected a function or a CustomLogger, received null.'],
      [
        ['langfuse'],
        'successCallback[0]: expected a function or a CustomLogger, received string "langfuse".',
      ],
      [[42], 'successCallback[0]: expected a function or a CustomLogger, received 42.'],
    ];
    for (const [value, message] of cases) {
      const { client } = clientWithReports();
      client.successCallback = value as never;
      const error = await rejectionOf(client.completion({ model: 'gpt-4o-mini', messages }));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain(message);
    }
  });
});

describe('kwargs', () => {
  /** The kwargs of each event of one call. */
  async function kwargsOf(
    params: Record<string, unknown> = {},
    options: ClientOptions = {},
  ): Promise<Record<string, CallbackKwargs>> {
    const { client } = clientWithReports(options);
    const byEvent: Record<string, CallbackKwargs> = {};
    client.callbacks = [
      (kwargs: CallbackKwargs) => {
        byEvent[kwargs.log_event_type] = kwargs;
      },
    ];
    await client
      .completion({ model: 'gpt-4o-mini', messages, ...params } as never)
      .catch(() => undefined);
    await client.flush();
    return byEvent;
  }

  it('name the user when it is text, and no user otherwise', async () => {
    expect((await kwargsOf({ user: 'ada' })).successful_api_call?.user).toBe('ada');
    expect((await kwargsOf()).successful_api_call?.user).toBeNull();
  });

  it('carry the provider, its base URL and the key masked', async () => {
    const kwargs = (await kwargsOf()).successful_api_call;
    expect(kwargs?.litellm_params.api_base).toBe(fake.url);
    expect(kwargs?.litellm_params.custom_llm_provider).toBe('openai');
    expect(kwargs?.api_key).toBe('sk-c****6789');
  });

  it('carry nulls, not a crash, for a model of a provider nobody configured', async () => {
    const kwargs = (await kwargsOf({ model: 'nosuch/model-x' })).failed_api_call;
    expect(kwargs?.model).toBe('nosuch/model-x');
    expect(kwargs?.litellm_params.api_base).toBeNull();
    expect(kwargs?.litellm_params.custom_llm_provider).toBeNull();
    expect(kwargs?.api_key).toBeNull();
  });

  it('grow with the call: no answer before it, no end time after the head, a record only at the end', async () => {
    const byEvent = await kwargsOf();
    const pre = byEvent.pre_api_call as CallbackKwargs;
    const post = byEvent.post_api_call as CallbackKwargs;
    const success = byEvent.successful_api_call as CallbackKwargs;
    expect('original_response' in pre).toBe(false);
    expect('end_time' in pre).toBe(false);
    expect('standard_logging_object' in pre).toBe(false);
    expect(typeof post.original_response).toBe('string');
    expect('end_time' in post).toBe(false);
    expect('standard_logging_object' in post).toBe(false);
    expect(success.end_time).toBeInstanceOf(Date);
    expect(success.standard_logging_object?.status).toBe('success');
  });

  it('of a failed call carry the call’s record, its error and its traceback', async () => {
    fake.reply({
      status: 400,
      body: JSON.stringify({ error: { message: 'bad request', type: 'invalid_request_error' } }),
    });
    const failed = (await kwargsOf()).failed_api_call as CallbackKwargs;
    expect(failed.will_retry).toBe(false);
    expect(failed.exception?.message).toContain('bad request');
    expect(failed.traceback_exception).toContain('bad request');
    expect(failed.standard_logging_object?.status).toBe('failure');
  });

  it('give the raw answer with the key masked, and a mocked answer as JSON, and nothing for a failure', async () => {
    const answer = JSON.parse(fixture('openai-chat.json'));
    answer.choices[0].message.content = `your key is ${KEY}`;
    fake.reply({ body: JSON.stringify(answer) });
    const raw = (await kwargsOf()).successful_api_call?.original_response as string;
    expect(raw).toContain('your key is sk-c****6789');
    expect(raw).not.toContain(KEY);

    const mocked = (await kwargsOf({ mockResponse: 'Mocked.' })).successful_api_call;
    expect(JSON.parse(mocked?.original_response as string).choices[0].message.content).toBe(
      'Mocked.',
    );
    const failed = (await kwargsOf({ mockResponse: new Error('nope') })).failed_api_call;
    expect(failed?.original_response).toBeNull();
  });

  it('say whether the answer came from the cache: null without one, false on a miss, true on a hit', async () => {
    expect((await kwargsOf()).successful_api_call?.cache_hit).toBeNull();
    const { client } = clientWithReports();
    const cache = new Cache({ type: 'local' });
    caches.push(cache);
    client.cache = cache;
    const hits: Array<boolean | null> = [];
    client.successCallback.push((kwargs: CallbackKwargs) => hits.push(kwargs.cache_hit));
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    expect(hits).toEqual([false, true]);
  });

  it('let a callback replace the record it read', async () => {
    const { client, reports } = clientWithReports();
    client.successCallback.push((kwargs: CallbackKwargs) => {
      const record = kwargs.standard_logging_object;
      kwargs.standard_logging_object = undefined;
      expect(record?.status).toBe('success');
      expect(kwargs.standard_logging_object).toBeUndefined();
    });
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    expect(reports).toEqual([]);
  });
});

describe('each callback’s own copy', () => {
  /** Runs one call with two success callbacks: `first` may change its kwargs; the second's are returned. */
  async function secondSees(
    metadata: Record<string, unknown>,
    first: (kwargs: CallbackKwargs) => void,
    params: Record<string, unknown> = {},
  ): Promise<CallbackKwargs> {
    const { client } = clientWithReports();
    let seen: CallbackKwargs | undefined;
    const record = (kwargs: CallbackKwargs) => {
      seen = kwargs;
    };
    client.successCallback.push(first, record);
    client.failureCallback.push(first, record);
    await client
      .completion({ model: 'gpt-4o-mini', messages, metadata, ...params } as never)
      .catch(() => undefined);
    await client.flush();
    return seen as CallbackKwargs;
  }

  it('keeps a cycle a cycle, pointing at the copy', async () => {
    const { client } = clientWithReports();
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    client.use(async (ctx, next) => {
      ctx.metadata.loop = loop;
      await next();
    });
    let seen: CallbackKwargs | undefined;
    client.successCallback.push((kwargs: CallbackKwargs) => {
      seen = kwargs;
    });
    await client.completion({ model: 'gpt-4o-mini', messages });
    await client.flush();
    const copy = seen?.litellm_params.metadata.loop as Record<string, unknown>;
    expect(copy).not.toBe(loop);
    expect(copy.name).toBe('loop');
    expect(copy.self).toBe(copy);
  });

  it('keeps an array reached twice one array, a copy', async () => {
    const shared = ['a', 'b'];
    const kwargs = await secondSees({ one: shared, two: shared }, () => {});
    const copy = kwargs.litellm_params.metadata as Record<string, string[]>;
    expect(copy.one).toBe(copy.two);
    expect(copy.one).not.toBe(shared);
    expect(copy.one).toEqual(['a', 'b']);
  });

  it('copies dates, so one callback moving its start time moves no other’s', async () => {
    const when = new Date(Date.UTC(2025, 0, 1));
    const kwargs = await secondSees({ when }, (mine) => {
      mine.start_time.setUTCFullYear(1999);
      (mine.litellm_params.metadata.when as Date).setUTCFullYear(1999);
    });
    expect(kwargs.start_time.getUTCFullYear()).toBeGreaterThan(2000);
    expect((kwargs.litellm_params.metadata.when as Date).getUTCFullYear()).toBe(2025);
    expect(when.getUTCFullYear()).toBe(2025);
  });

  it('shares class instances (a Map) rather than flattening them, and copies objects with no prototype', async () => {
    const lookup = new Map([['a', 1]]);
    const bare = Object.assign(Object.create(null), { field: 'value' });
    const kwargs = await secondSees({ lookup, bare }, () => {});
    const copy = kwargs.litellm_params.metadata;
    expect(copy.lookup).toBe(lookup);
    expect(copy.bare).not.toBe(bare);
    expect(copy.bare).toEqual({ field: 'value' });
  });

  it('copies the error of a failed call and its cause: same class and message, fields and accessors its own', async () => {
    class DetailedError extends Error {
      details = { attempts: 1 };
      get summary(): string {
        return `${this.message} after ${this.details.attempts}`;
      }
    }
    const thrown = new DetailedError('mocked failure');
    Object.defineProperty(thrown, 'describe', {
      get: () => 'an accessor of its own',
      enumerable: true,
      configurable: true,
    });
    const kwargs = await secondSees(
      {},
      (mine) => {
        ((mine.exception as unknown as DetailedError).details as { attempts: number }).attempts =
          99;
      },
      { mockResponse: thrown },
    );
    const copy = kwargs.exception?.cause as DetailedError & { describe: string };
    expect(copy).not.toBe(thrown);
    expect(copy).toBeInstanceOf(DetailedError);
    expect(copy.message).toBe('mocked failure');
    expect(copy.details).toEqual({ attempts: 1 });
    expect(copy.describe).toBe('an accessor of its own');
  });
});
