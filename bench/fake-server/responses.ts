import { LONG_STREAM_PIECES, MODEL, REPLY, SHORT_STREAM_PIECES } from '../wire.js';
import { type AnswerSet, type CannedResponse, json, sse, usage } from './canned.js';
import { referenceAnswers } from './reference-answers.js';

/** Every answer the fake server gives, built once at start-up. */
export interface CannedResponses {
  /** This benchmark's own scenario, at `/v1`. */
  bench: AnswerSet;
  /** The reference scenario, at `/ref/v1`. */
  reference: AnswerSet;
  notFound: CannedResponse;
}

const CREATED = 1_767_225_600;
const FINGERPRINT = 'fp_bench0001';
const PROMPT_TOKENS = 9;

/** Builds the Chat Completions answers in OpenAI's wire format. */
export function buildResponses(): CannedResponses {
  return {
    bench: {
      plain: json(200, completion()),
      shortStream: sse(streamEvents('chatcmpl-bench-stream20', SHORT_STREAM_PIECES)),
      longStream: sse(streamEvents('chatcmpl-bench-stream2000', LONG_STREAM_PIECES)),
    },
    reference: referenceAnswers(),
    notFound: json(404, {
      error: {
        message:
          'the fake server answers POST /v1/chat/completions, /ref/v1/chat/completions and /v1/embeddings only',
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
    usage: usage(PROMPT_TOKENS, 9),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
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
  events.push(chunk([], usage(PROMPT_TOKENS, pieces)));
  events.push('[DONE]');
  return events;
}
