import shallot, {
  type CallbackKwargs,
  type ChatCompletion,
  type ChatMessage,
  CustomLogger,
  createClient,
  ShutdownError,
  ValidationError,
} from 'shallot';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixture, useFakeProvider } from '../../support/fake-provider.js';
import { collect } from '../../support/streams.js';

const messages = [{ role: 'user' as const, content: 'Hi' }];

const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
afterEach(() => {
  vi.useRealTimers();
});

const newClient = () =>
  createClient({ providers: { openai: { apiKey: 'sk-test-0123456789', apiBase: fake.url } } });

describe('the legacy callback arrays', () => {
  it('exist on the default client and on every client, each with its own arrays', () => {
    const a = newClient();
    const b = newClient();
    for (const client of [shallot, a]) {
      expect(client.successCallback).toEqual([]);
      expect(client.failureCallback).toEqual([]);
      expect(client.inputCallback).toEqual([]);
      expect(client.callbacks).toEqual([]);
    }
    a.successCallback.push(() => {});
    expect(b.successCallback).toEqual([]);
  });

  it('are read on every call: assigned, pushed to, and emptied between calls', async () => {
    const client = newClient();
    const fired: string[] = [];
    client.successCallback = [() => fired.push('first')];
    await client.completion({ model: 'gpt-4.1-nano', messages });
    client.successCallback.push(function second() {
      fired.push('second');
    });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    client.successCallback = [];
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    expect(fired).toEqual(['first', 'first', 'second']);
  });

  it('are read on every call even when edited in place: an entry replaced, or moved to another array', async () => {
    const client = newClient();
    const fired: string[] = [];
    const first = () => fired.push('first');
    client.successCallback = [first];
    await client.completion({ model: 'gpt-4.1-nano', messages });
    client.successCallback[0] = () => fired.push('replaced');
    await client.completion({ model: 'gpt-4.1-nano', messages });
    client.successCallback.length = 0;
    client.failureCallback.push(first);
    await client.completion({ model: 'gpt-4.1-nano', messages });
    const handler = new (class extends CustomLogger {
      override logSuccessEvent() {
        fired.push('handler');
      }
    })();
    client.callbacks.push(handler);
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    expect(fired).toEqual(['first', 'replaced', 'handler']);
  });

  it('call a success function with (kwargs, completionResponse, startTime, endTime)', async () => {
    const client = newClient();
    const calls: unknown[][] = [];
    client.successCallback = [(...args: unknown[]) => calls.push(args)];
    const answer = await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    const [kwargs, response, start, end] = calls[0] as [CallbackKwargs, ChatCompletion, Date, Date];
    expect(kwargs.log_event_type).toBe('successful_api_call');
    expect(response).toEqual(answer);
    expect(response).not.toBe(answer);
    expect(start).toBeInstanceOf(Date);
    expect(end.getTime()).toBeGreaterThanOrEqual(start.getTime());
  });

  it('call an input function with kwargs alone, holding the exact body the provider received', async () => {
    const client = newClient();
    const seen: unknown[][] = [];
    client.inputCallback = [(...args: unknown[]) => seen.push(args)];
    await client.completion({ model: 'openai/gpt-4.1-nano', messages, temperature: 0.3 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toHaveLength(1);
    const kwargs = seen[0]?.[0] as CallbackKwargs;
    expect(kwargs.log_event_type).toBe('pre_api_call');
    expect(kwargs.additional_args.complete_input_dict).toEqual(fake.requests.at(-1)?.body);
    expect(kwargs.additional_args.headers?.authorization).toBe('Bearer sk-t****6789');
  });

  it('call a failure function with a null response and the error in kwargs.exception', async () => {
    const client = newClient();
    const calls: unknown[][] = [];
    client.failureCallback = [async (...args: unknown[]) => calls.push(args)];
    await expect(
      client.completion({ model: 'gpt-4o-mini', messages, mockResponse: new Error('down') }),
    ).rejects.toThrow();
    await client.flush();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[1]).toBeNull();
    const [kwargs] = calls[0] as [CallbackKwargs];
    expect(kwargs.exception?.message).toContain('down');
  });

  it('fire a function in `callbacks` for pre, post and success, not per chunk', async () => {
    const client = newClient();
    const events: string[] = [];
    client.callbacks = [(kwargs: CallbackKwargs) => events.push(kwargs.log_event_type)];
    await collect(
      await client.completion({
        model: 'gpt-4o-mini',
        messages,
        mockResponse: 'a b c',
        stream: true,
      }),
    );
    await client.flush();
    expect(events).toEqual(['pre_api_call', 'post_api_call', 'successful_api_call']);
  });

  it('fire only the async twin of a handler that defines both', async () => {
    const fired: string[] = [];
    class Both extends CustomLogger {
      override logSuccessEvent() {
        fired.push('sync');
      }
      override async asyncLogSuccessEvent() {
        fired.push('async');
      }
      override logFailureEvent() {
        fired.push('sync failure');
      }
    }
    const client = newClient();
    client.callbacks = [new Both()];
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'ok' });
    await client
      .completion({ model: 'gpt-4o-mini', messages, mockResponse: new Error('x') })
      .catch(() => {});
    await client.flush();
    expect(fired).toEqual(['async', 'sync failure']);
  });

  it('give the success event of a stream async_complete_streaming_response, the same object as complete_streaming_response in each callback’s own copy', async () => {
    const seen: CallbackKwargs[] = [];
    class Streamed extends CustomLogger {
      override async asyncLogSuccessEvent(kwargs: CallbackKwargs) {
        seen.push(kwargs);
      }
    }
    const client = newClient();
    client.callbacks = [new Streamed()];
    client.successCallback = [(kwargs: CallbackKwargs) => seen.push(kwargs)];
    fake.reply({ body: fixture('openai-chat-stream-usage.sse') });
    const stream = await client.completion({ model: 'gpt-4o', messages, stream: true });
    await collect(stream);
    fake.reply({ body: fixture('openai-chat.json') });
    await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    const [asyncHandler, syncFunction, plainCall] = seen;
    expect(asyncHandler?.async_complete_streaming_response).toEqual(await stream.finalResponse());
    expect(asyncHandler?.async_complete_streaming_response).toBe(
      asyncHandler?.complete_streaming_response,
    );
    expect(syncFunction?.async_complete_streaming_response).toBe(
      syncFunction?.complete_streaming_response,
    );
    expect(syncFunction?.complete_streaming_response).not.toBe(
      asyncHandler?.complete_streaming_response,
    );
    expect(plainCall).not.toHaveProperty('async_complete_streaming_response');
  });

  it('fire a handler once per event even when it is in two arrays, and accept plain objects as handlers', async () => {
    const fired: string[] = [];
    const handler = {
      logSuccessEvent: () => fired.push('success'),
      logPreApiCall: () => fired.push('pre'),
    };
    const client = newClient();
    client.callbacks = [handler];
    client.successCallback = [handler];
    client.inputCallback = [handler];
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'ok' });
    await client.flush();
    expect(fired).toEqual(['pre', 'success']);
  });

  it('give every callback its own copy: edits reach neither the others, the request sent, nor the caller', async () => {
    const client = newClient();
    const seenByB: CallbackKwargs[] = [];
    client.inputCallback = [
      (kwargs: CallbackKwargs) => {
        (kwargs.messages as ChatMessage[])[0] = { role: 'user', content: 'tampered' };
        (kwargs.additional_args.complete_input_dict as { temperature?: number }).temperature = 2;
        kwargs.litellm_params.metadata.tampered = true;
      },
      (kwargs: CallbackKwargs) => seenByB.push(kwargs),
    ];
    client.successCallback = [
      (_kwargs: CallbackKwargs, response: ChatCompletion) => {
        (response.choices[0] as { message: { content: string } }).message.content = 'tampered';
      },
      (kwargs: CallbackKwargs) => seenByB.push(kwargs),
    ];
    const callerAnswer = await client.completion({
      model: 'gpt-4.1-nano',
      messages,
      temperature: 0,
      metadata: { team: 'a' },
    });
    await client.flush();
    expect(fake.requests.at(-1)?.body).toMatchObject({ messages, temperature: 0 });
    expect(seenByB[0]?.messages).toEqual(messages);
    expect(seenByB[0]?.litellm_params.metadata).toEqual({ team: 'a' });
    expect(seenByB[1]?.litellm_params.metadata).toEqual({ team: 'a' });
    expect(callerAnswer.choices[0]?.message.content).toContain('Holiday');
  });

  it('isolate callbacks that throw or reject: the result and the other callbacks are unaffected', async () => {
    const reported: string[] = [];
    const client = newClient();
    client.onCallbackError = (error, info) =>
      reported.push(`${info.callback}@${info.event}: ${(error as Error).message}`);
    const survivor: string[] = [];
    class Exploding extends CustomLogger {
      override logPreApiCall() {
        throw new Error('pre broke');
      }
      override async asyncLogSuccessEvent() {
        throw new Error('success rejected');
      }
    }
    client.callbacks = [
      new Exploding(),
      (kwargs: CallbackKwargs) => survivor.push(kwargs.log_event_type),
    ];
    client.successCallback = [
      function throwing() {
        throw new Error('function broke');
      },
    ];
    const answer = await client.completion({ model: 'gpt-4.1-nano', messages });
    await client.flush();
    expect(answer.choices[0]?.message.content).toContain('Holiday');
    expect(survivor).toEqual(['pre_api_call', 'post_api_call', 'successful_api_call']);
    expect(reported.sort()).toEqual([
      'Exploding.asyncLogSuccessEvent@successful_api_call: success rejected',
      'Exploding.logPreApiCall@pre_api_call: pre broke',
      'throwing@successful_api_call: function broke',
    ]);
  });

  it('warn with one line naming the callback and the event by default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const client = newClient();
    client.successCallback = [
      function trackCost() {
        throw new Error('no budget file');
      },
    ];
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'ok' });
    await client.flush();
    expect(warn.mock.calls).toEqual([
      ['[shallot] callback "trackCost" failed on the successful_api_call event: no budget file'],
    ]);
    warn.mockRestore();
  });

  it('run success callbacks after the caller has its result, and flush() waits for them', async () => {
    const client = newClient();
    const order: string[] = [];
    let release: () => void = () => {};
    client.successCallback = [
      async () => {
        order.push('callback started');
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        order.push('callback finished');
      },
    ];
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'ok' });
    order.push('caller has the result');
    let flushed = false;
    const flushing = client.flush().then((drained) => {
      flushed = drained;
    });
    await vi.waitFor(() => expect(order).toContain('callback started'));
    expect(flushed).toBe(false);
    release();
    await flushing;
    expect(flushed).toBe(true);
    expect(order).toEqual(['caller has the result', 'callback started', 'callback finished']);
  });

  it('flush() resolves false when its timeout passes first', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const client = newClient();
    client.successCallback = [() => new Promise(() => {})];
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'ok' });
    const flushing = client.flush({ timeoutMs: 5_000 });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await flushing).toBe(false);
  });

  it('shutdown() flushes, then refuses new calls with a ShutdownError', async () => {
    const client = newClient();
    const fired: string[] = [];
    client.successCallback = [async () => fired.push('success')];
    await client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'ok' });
    expect(await client.shutdown()).toBe(true);
    expect(fired).toEqual(['success']);
    await expect(
      client.completion({ model: 'gpt-4o-mini', messages, mockResponse: 'ok' }),
    ).rejects.toBeInstanceOf(ShutdownError);
  });

  it('reject an entry that is neither a function nor a handler, before any network call', async () => {
    const client = newClient();
    const sent = fake.requests.length;
    client.successCallback = ['langfuse' as never];
    const error = await client
      .completion({ model: 'gpt-4.1-nano', messages })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('successCallback[0]');
    expect((error as Error).message).toContain(
      'expected a function or a CustomLogger, received string "langfuse"',
    );
    expect(fake.requests.length).toBe(sent);
  });
});
