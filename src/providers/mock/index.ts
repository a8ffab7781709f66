import type { CallContext, CompletionCallContext } from '../../context/context.js';
import type { MockResponse } from '../../context/types.js';
import { InternalServerError } from '../../errors/internal-server-error.js';
import { ShallotError } from '../../errors/shallot-error.js';
import { ValidationError } from '../../errors/validation-error.js';
import { chunkProblem, completionProblem } from '../../shapes/check.js';
import { assembleChunks } from '../../stream/assembler.js';
import { ReplaySource } from '../../stream/chunk-source.js';
import { completionToChunks, wordPieces } from '../../stream/to-chunks.js';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatMessage,
  ChunkDelta,
  FinishReason,
  Usage,
} from '../../types/openai.js';

/**
 * Answers a call from `mockResponse` with no network, as LiteLLM's `mock_response` does:
 * every layer of the chain still runs. A string becomes the answer's text (streamed word by
 * word), an object is the `chat.completion`, an array is the chunks to stream, and an
 * `Error` is raised (a non-shallot error as an `InternalServerError`, status 500).
 */
export async function answerFromMock(
  ctx: CompletionCallContext,
  mock: MockResponse,
): Promise<void> {
  if (mock instanceof Error) return raiseMock(ctx, mock);
  ctx.providerResponse = { status: 200, headers: { 'content-type': 'application/json' } };
  const chunks = isChunkList(mock) ? toChunks(mock, ctx.request.model) : undefined;
  // completion()'s parser admits only chat mocks: text, a completion, or chunks.
  const completion = isChunkList(mock) ? undefined : toCompletion(mock as ChatMock, ctx);
  checkMock(completion, chunks, ctx.request.model);
  if (ctx.isStream) {
    const replay = chunks ?? completionToChunks(completion as ChatCompletion, wordPieces);
    ctx.deliverStream(new ReplaySource(replay));
    return;
  }
  const answer = completion ?? assembleChunks(chunks as ChatCompletionChunk[]);
  ctx.providerResponse.text = JSON.stringify(answer);
  ctx.deliverAnswer(answer);
}

/** Raises a mock `Error` as a call's failure: a shallot error as it is, any other as an `InternalServerError` (500). */
export async function raiseMock(ctx: CallContext, mock: Error): Promise<never> {
  if (mock instanceof ShallotError) throw mock;
  const provider = ctx.provider;
  throw new InternalServerError({
    provider: provider.name,
    model: provider.model,
    status: 500,
    cause: mock,
    message: `${provider.name}/${provider.model}: mockResponse raised: ${mock.message}`,
  });
}

type ChatMock = string | (Partial<ChatCompletion> & { choices: ChatCompletion['choices'] });

type MockChunkList = ReadonlyArray<string | ChatCompletionChunk>;

/** A mock is the caller's input: a malformed one is a `ValidationError` naming the bad field. */
function checkMock(
  completion: ChatCompletion | undefined,
  chunks: readonly ChatCompletionChunk[] | undefined,
  model: string,
): void {
  if (completion !== undefined) {
    const problem = completionProblem(completion);
    if (problem !== undefined) throw ValidationError.forField('mockResponse', `${problem}.`, model);
  }
  chunks?.forEach((chunk, position) => {
    const problem = chunkProblem(chunk);
    if (problem !== undefined) {
      throw ValidationError.forField(`mockResponse[${position}]`, `${problem}.`, model);
    }
  });
}

function isChunkList(mock: Exclude<MockResponse, Error>): mock is MockChunkList {
  return Array.isArray(mock);
}

function toCompletion(mock: ChatMock, ctx: CompletionCallContext): ChatCompletion {
  const base = {
    id: `chatcmpl-mock-${ctx.callId}`,
    object: 'chat.completion' as const,
    created: Math.floor(ctx.timings.start / 1000),
    model: ctx.request.model,
  };
  if (typeof mock === 'string') {
    return {
      ...base,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: mock },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: estimateUsage(ctx.request.messages, mock),
    };
  }
  return { ...base, ...mock, object: 'chat.completion' };
}

/** Chunks as given; plain strings become content chunks, closed by a `stop` chunk. */
function toChunks(items: MockChunkList, model: string) {
  const chunk = (delta: ChunkDelta, finish: FinishReason | null): ChatCompletionChunk => ({
    id: 'chatcmpl-mock',
    object: 'chat.completion.chunk',
    created: 0,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const chunks = items.map((item) =>
    typeof item === 'string' ? chunk({ content: item }, null) : item,
  );
  if (items.every((item) => typeof item === 'string')) chunks.push(chunk({}, 'stop'));
  return chunks;
}

/** About four characters a token: enough for a mock to report plausible usage. */
function estimateUsage(messages: readonly ChatMessage[], answer: string): Usage {
  let promptCharacters = 0;
  for (const message of messages) {
    promptCharacters += typeof message.content === 'string' ? message.content.length : 0;
  }
  const prompt_tokens = Math.max(1, Math.ceil(promptCharacters / 4));
  const completion_tokens = Math.max(1, Math.ceil(answer.length / 4));
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
