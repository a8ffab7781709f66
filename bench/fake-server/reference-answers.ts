import {
  LONG_STREAM_PIECES,
  REFERENCE_ANSWER_MODEL,
  REFERENCE_SHORT_PIECES,
  referencePieces,
  referenceText,
} from '../wire.js';
import { type AnswerSet, json, sse, usage } from './canned.js';

/**
 * The reference scenario's answers, shaped as api.openai.com's and as the reference harness's
 * fake server serves them: the dated model, `service_tier` and `system_fingerprint` on every
 * object; in streams, a role chunk (`content: ''`, `refusal: null`), one chunk per text piece,
 * a finish chunk, a usage chunk with `choices: []` and the token details, then `[DONE]`. Only
 * the usage chunk has a `usage` field. Each body goes out whole, with its length, so that many
 * events arrive in one read, as from that harness's nginx (its type: no charset).
 */
export function referenceAnswers(): AnswerSet {
  return {
    plain: json(200, completion()),
    shortStream: sse(streamEvents(REFERENCE_SHORT_PIECES), 'text/event-stream'),
    longStream: sse(streamEvents(LONG_STREAM_PIECES), 'text/event-stream'),
  };
}

const ID = 'chatcmpl-Bref0c4e1d9a27f3b86e5d0a91c2';
const CREATED = 1_767_225_600;
const FINGERPRINT = 'fp_7c1e0a93b2';
const PROMPT_TOKENS = 26;

function completion(): object {
  return {
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: REFERENCE_ANSWER_MODEL,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: referenceText(REFERENCE_SHORT_PIECES),
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usage(PROMPT_TOKENS, REFERENCE_SHORT_PIECES),
    service_tier: 'default',
    system_fingerprint: FINGERPRINT,
  };
}

function streamEvents(pieces: number): string[] {
  const chunk = (choices: object[], extra?: { usage: object }) =>
    JSON.stringify({
      id: ID,
      object: 'chat.completion.chunk',
      created: CREATED,
      model: REFERENCE_ANSWER_MODEL,
      service_tier: 'default',
      system_fingerprint: FINGERPRINT,
      choices,
      ...extra,
    });
  const choice = (delta: object, finishReason: string | null) => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finishReason,
  });
  return [
    chunk([choice({ role: 'assistant', content: '', refusal: null }, null)]),
    ...referencePieces(pieces).map((piece) => chunk([choice({ content: piece }, null)])),
    chunk([choice({}, 'stop')]),
    chunk([], { usage: usage(PROMPT_TOKENS, pieces) }),
    '[DONE]',
  ];
}
