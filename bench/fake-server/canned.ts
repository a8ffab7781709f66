/** One precomputed answer: its head and its whole body, sent in one write. */
export interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The answers of one scenario's endpoint. */
export interface AnswerSet {
  plain: CannedResponse;
  shortStream: CannedResponse;
  longStream: CannedResponse;
}

/** A JSON answer with its length. */
export function json(status: number, value: object): CannedResponse {
  const body = Buffer.from(JSON.stringify(value));
  return {
    status,
    headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
    body,
  };
}

/** Server-sent events, one `data:` line each, as one body with its length. */
export function sse(
  events: readonly string[],
  contentType = 'text/event-stream; charset=utf-8',
): CannedResponse {
  const body = Buffer.from(events.map((data) => `data: ${data}\n\n`).join(''));
  return {
    status: 200,
    headers: {
      'content-type': contentType,
      'cache-control': 'no-cache',
      'content-length': String(body.length),
    },
    body,
  };
}

/** A `usage` object as api.openai.com sends it, token details included. */
export function usage(promptTokens: number, completionTokens: number): object {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}
