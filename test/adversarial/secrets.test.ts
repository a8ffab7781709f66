import { inspect } from 'node:util';
import {
  AllFallbacksFailedError,
  type AttemptFailure,
  InternalServerError,
  InvalidResponseError,
  type ShallotError,
} from 'shallot';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import {
  countingClient,
  expectNoKeyIn,
  failureOf,
  KEY,
  paramsFor,
  readToEnd,
  WIRE_FORMATS,
  type WireFormat,
} from './support.js';
import { streamBody, streamContentType, streamErrorEvent, streamEvents } from './wire.js';

/**
 * Class 3 of issue 13: a server that echoes the key never gets it into an error. The key is
 * masked in every string the error carries (message, stack, body, request id, cause, the
 * errors it lists), however the server sent it back.
 */

const fake = useFakeProvider();

/** Runs a call of `format` (streamed or not) to its failure; checks one terminal event. */
async function failingCall(format: WireFormat, stream: boolean): Promise<ShallotError> {
  const counting = countingClient(format, fake.url);
  const error = stream
    ? await readToEnd(await counting.client.completion({ ...paramsFor(format), stream: true }))
    : await failureOf(counting.client.completion(paramsFor(format)));
  expect(await counting.terminalEvents()).toBe(1);
  const [failure] = counting.failures;
  expect(inspect(failure, { depth: 8 })).not.toContain(KEY);
  return error as ShallotError;
}

describe('the key echoed by a server never reaches an error', () => {
  for (const format of WIRE_FORMATS) {
    it(`${format}: an error event inside the stream that quotes the key`, async () => {
      const events = [
        ...streamEvents(format).slice(0, 1),
        streamErrorEvent(format, `invalid key ${KEY} for this project`),
      ];
      fake.reply({
        body: streamBody(format, events),
        headers: { 'content-type': streamContentType(format) },
      });
      const error = await failingCall(format, true);
      expect(error.message).toContain('invalid key');
      expectNoKeyIn(error);
    });

    it(`${format}: a stream event that is not JSON and holds the key`, async () => {
      const broken = `{"note": "${KEY}", "oops`;
      const body =
        format === 'ollama'
          ? `${broken}\n`
          : `${format === 'anthropic' ? 'event: message_start\n' : ''}data: ${broken}\n\n`;
      fake.reply({ body, headers: { 'content-type': streamContentType(format) } });
      const error = await failingCall(format, true);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expectNoKeyIn(error);
    });

    it(`${format}: a 200 answer that is not JSON and holds the key`, async () => {
      fake.reply({
        body: `<html><body>proxy says: key ${KEY} is not allowed</body></html>`,
        headers: { 'content-type': 'text/html' },
      });
      const error = await failingCall(format, false);
      expect(error).toBeInstanceOf(InvalidResponseError);
      expectNoKeyIn(error);
    });

    it(`${format}: an x-request-id header that echoes the key, on a 500`, async () => {
      fake.reply({
        status: 500,
        body: JSON.stringify({ error: { message: `boom ${KEY}` } }),
        headers: { 'x-request-id': KEY, 'request-id': KEY },
      });
      const error = await failingCall(format, false);
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error.requestId).toBeDefined();
      expectNoKeyIn(error);
    });
  }

  it('a credential header of the call (a bearer token for a custom endpoint), echoed in an error event', async () => {
    const token = 'tok-custom-header-0123456789-SECRET';
    fake.reply({
      body: streamBody('openai', [streamErrorEvent('openai', `bad token Bearer ${token}`)]),
    });
    const counting = countingClient('openai', fake.url);
    const stream = await counting.client.completion({
      ...paramsFor('openai'),
      stream: true,
      headers: { authorization: `Bearer ${token}` },
    });
    const error = await readToEnd(stream);
    expect(error).toBeDefined();
    expectNoKeyIn(error, token);
    expect(await counting.terminalEvents()).toBe(1);
  });

  it('every error an AllFallbacksFailedError lists, and what an attempt-failure listener sees', async () => {
    fake.reply({
      status: 500,
      body: JSON.stringify({ error: { message: `no ${KEY}` } }),
      headers: { 'x-request-id': `req-${KEY}` },
    });
    const counting = countingClient('openai', fake.url);
    const seen: AttemptFailure[] = [];
    const error = await failureOf(
      counting.client.completion({
        ...paramsFor('openai'),
        numRetries: 1,
        fallbacks: ['openai/gpt-4o'],
        middleware: [
          async (ctx, next) => {
            ctx.onAttemptFailure((failure) => {
              seen.push(failure);
            });
            await next();
          },
        ],
      }),
    );
    expect(error).toBeInstanceOf(AllFallbacksFailedError);
    expect((error as AllFallbacksFailedError).errors).toHaveLength(4);
    expectNoKeyIn(error);
    for (const listed of (error as AllFallbacksFailedError).errors) expectNoKeyIn(listed);
    expect(seen).toHaveLength(3);
    for (const failure of seen) expectNoKeyIn(failure.error);
    expect(await counting.terminalEvents()).toBe(1);
  }, 20_000);
});
