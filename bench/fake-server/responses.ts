import { LONG_STREAM_PIECES, MODEL, REPLY, SHORT_STREAM_PIECES } from '../wire.js';

/** One precomputed answer: its head and its whole body. */
export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Every answer the fake server gives, built once at start-up. */
export interface CannedResponses {
  plain: CannedResponse;
  shortStream: CannedResponse;
  longStream: CannedResponse;
  notFound: CannedResponse;
}

const CREATED = 1_767_225_600;
const FINGERPRINT = 'fp_bench0001';
const PROMPT_TOKENS = 9;

/** Builds the Chat Completions answers in OpenAI's wire format. */
export function buildResponses(): CannedResponses {
  return {
    plain: json(200, completion()),
    shortStream: sse(streamEvents('chatcmpl-bench-stream20', SHORT_STREAM_PIECES)),
    longStream: sse(streamEvents('chatcmpl-bench-stream2000', LONG_STREAM_PIECES)),
    notFound: json(404, {
      error: {
        message: 'the fake server answers POST /v1/chat/completions only',
        type: 'invalid_request_error',
        param: null,
        code: 'unknown_url',
      },
    }),
  };
}

function completion(): object {
  return {
    id: 'chatcmpl-bench-plain',
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: REPLY, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usage(9),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
}

function usage(completionTokens: number): object {
  return {
    prompt_tokens: PROMPT_TOKENS,
    completion_tokens: completionTokens,
    total_tokens: PROMPT_TOKENS + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The role chunk, one chunk per text piece, the finish chunk, the usage chunk, `[DONE]`. */
function streamEvents(id: string, pieces: number): string[] {
  const chunk = (choices: object[], usageField: object | null) =>
    JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created: CREATED,
      model: MODEL,
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
      choices,
      usage: usageField,
    });
  const choice = (delta: object, finishReason: string | null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  const events = [chunk([choice({ role: 'assistant', content: '', refusal: null }, null)], null)];
  for (let index = 0; index < pieces; index++) {
    events.push(chunk([choice({ content: ` word${index}` }, null)], null));
  }
  events.push(chunk([choice({}, 'stop')], null));
  events.push(chunk([], usage(pieces)));
  events.push('[DONE]');
  return events;
}

function json(status: number, value: object): CannedResponse {
  const body = Buffer.from(JSON.stringify(value));
  return {
    status,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
  };
}

function sse(events: string[]): CannedResponse {
  const body = Buffer.from(events.map((data) => `data: ${data}\n\n`).join(''));
  return {
    status: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'content-length': String(body.length),
    },
    body,
  };
}
