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

/** The part of a `chat.completion` the floor reads. */
export interface WireCompletion {
  choices: Array<{ message: { content: string | null } }>;
}

/** The part of a `chat.completion.chunk` the floor reads. */
export interface WireChunk {
  choices: Array<{ delta?: { content?: string | null } }>;
}

/** Throws unless a plain answer carries the expected text. */
export function expectReply(contender: string, text: string | null | undefined): void {
  if (text !== REPLY) {
    throw new Error(
      `${contender}: expected the answer ${JSON.stringify(REPLY)}, got ${JSON.stringify(text)}`,
    );
  }
}

/** Throws unless a stream delivered the expected number of text pieces. */
export function expectPieces(contender: string, pieces: number, expected: number): void {
  if (pieces !== expected) {
    throw new Error(`${contender}: expected ${expected} text pieces in the stream, got ${pieces}`);
  }
}
