/**
 * What the fake server answers and what every contender must read back: one place for the
 * model, the prompts and the expected results, shared by the server process and the client.
 */

/** The model every contender asks for; priced in shallot's bundled table. */
export const MODEL = 'gpt-4o-mini';
/** The key every contender sends; the fake server never checks it. */
export const API_KEY = 'sk-bench-0123456789abcdef';
/** The text of every non-streamed answer. */
export const REPLY = 'Hello! How can I help you today?';
/** Non-empty text pieces in the 20-chunk stream: role chunk, 18 content chunks, finish chunk. */
export const SHORT_STREAM_PIECES = 18;
/** Non-empty text pieces in the long stream. */
export const LONG_STREAM_PIECES = 2000;
/** The marker in a prompt that asks the fake server for the long stream. */
export const LONG_STREAM_MARKER = 'bench-2000';

/** The user message of call number `id`: unique per call, so a cache never answers it. */
export function promptOf(id: number): string {
  return `hello ${id}`;
}

/** The user message of long-stream call number `id`. */
export function longPromptOf(id: number): string {
  return `${LONG_STREAM_MARKER} ${id}`;
}

/** The reference scenario's calls go to `<origin>/ref/v1`, where the answers are its own. */
export const REFERENCE_API_PATH = '/ref/v1';
/** The model the reference scenario's answers name, a dated snapshot as api.openai.com's do. */
export const REFERENCE_ANSWER_MODEL = 'gpt-4o-mini-2024-07-18';
/** The system message of every call in the reference scenario. */
export const SYSTEM_PROMPT = 'You are a helpful assistant.';
/** Content chunks of the reference scenario's short stream (and pieces of its plain answer). */
export const REFERENCE_SHORT_PIECES = 20;

/** The reference answers' text pieces, repeated as long as a stream needs. */
const REFERENCE_WORDS = [
  'Hi',
  ' there',
  '!',
  ' This',
  ' answer',
  ' comes',
  ' from',
  ' a',
  ' local',
  ' fake',
  ' server',
  ',',
  ' one',
  ' piece',
  ' at',
  ' a',
  ' time',
  ';',
  ' it',
  ' repeats',
  '.',
];

/** The first `count` text pieces of a reference answer. */
export function referencePieces(count: number): string[] {
  return Array.from(
    { length: count },
    (_, index) => REFERENCE_WORDS[index % REFERENCE_WORDS.length] as string,
  );
}

/** The text of a reference answer of `count` pieces: what a reader that joins the deltas gets. */
export function referenceText(count: number): string {
  return referencePieces(count).join('');
}

/** The user message of reference call number `id`: unique per call, as `promptOf`'s. */
export function referencePromptOf(id: number): string {
  return `Say hello and tell me what call ${id} of this benchmark is for.`;
}

/** The user message of reference long-stream call number `id`. */
export function referenceLongPromptOf(id: number): string {
  return `${referencePromptOf(id)} ${LONG_STREAM_MARKER}`;
}

/** The part of a `chat.completion` the floor reads. */
export interface WireCompletion {
  choices: Array<{ message: { content: string | null } }>;
}

/** The part of a `chat.completion.chunk` the floor reads. */
export interface WireChunk {
  choices: Array<{ delta?: { content?: string | null } }>;
}

/**
 * What a stream read to the end resolves to: the number of its non-empty text pieces (this
 * benchmark's own scenario), or their text joined (the reference scenario).
 */
export type StreamReading = number | string;

/** Throws unless a plain answer carries the expected text. */
export function expectReply(
  contender: string,
  text: string | null | undefined,
  expected: string = REPLY,
): void {
  if (text !== expected) {
    throw new Error(
      `${contender}: expected the answer ${preview(expected)}, got ${preview(text ?? null)}`,
    );
  }
}

/** Throws unless a stream delivered the expected number of text pieces, or the expected text. */
export function expectStream(
  contender: string,
  reading: StreamReading,
  expected: StreamReading,
): void {
  if (reading === expected) return;
  if (typeof expected === 'number') {
    throw new Error(
      `${contender}: expected ${expected} text pieces in the stream, got ${preview(reading)}`,
    );
  }
  throw new Error(
    `${contender}: expected the streamed text ${preview(expected)}, got ${preview(reading)}`,
  );
}

/** A value for an error message: JSON, and a long text cut to its start and its length. */
function preview(value: StreamReading | null): string {
  if (typeof value !== 'string' || value.length <= 80) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, 60))}... (${value.length} characters)`;
}
