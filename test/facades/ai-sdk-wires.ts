/**
 * The three wire formats the AI SDK facade is tested against (OpenAI, Anthropic, Gemini), each
 * with its recorded fixtures and what the AI SDK must read from them, so that one table of
 * tests runs through all three. The expectations were worked out from the fixtures' bytes.
 */
import { type LanguageModelUsage, type ToolSet, tool } from 'ai';
import { z } from 'zod';
import { fixture, fixtureEvents } from '../support/fake-provider.js';

/** The AI SDK's usage of a step, from its token counts and shallot's usage (`raw`). */
export function sdkUsage(counts: {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
  reasoning?: number;
  raw: NonNullable<LanguageModelUsage['raw']>;
}): LanguageModelUsage {
  const { input, output, cacheRead = 0, cacheWrite = 0, reasoning = 0 } = counts;
  return {
    inputTokens: input,
    inputTokenDetails: {
      noCacheTokens: input - cacheRead - cacheWrite,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
    outputTokens: output,
    outputTokenDetails: { textTokens: output - reasoning, reasoningTokens: reasoning },
    totalTokens: input + output,
    raw: counts.raw,
    reasoningTokens: reasoning,
    cachedInputTokens: cacheRead,
  };
}

/** A tool call as the AI SDK reports it: the id (a pattern where shallot makes it) and the parsed input. */
export interface ExpectedToolCall {
  toolCallId: string | RegExp;
  toolName: string;
  input: Record<string, unknown>;
  /** The argument fragments the stream delivered, in order. */
  fragments: string[];
}

/** One wire format and its recordings. */
export interface Wire {
  name: 'OpenAI' | 'Anthropic' | 'Gemini';
  /** The model as shallot names it. */
  model: string;
  /** A recorded plain answer and what the AI SDK reads from it. */
  answer: {
    body: string;
    text: string;
    reasoning: string | undefined;
    usage: LanguageModelUsage;
    rawFinishReason: string;
  };
  /** A recorded stream that ends in tool calls. */
  toolStream: {
    body: string;
    text: string;
    reasoning: string;
    calls: ExpectedToolCall[];
    usage: LanguageModelUsage;
    rawFinishReason: string;
  };
  /** A recorded streamed answer, for the last step of a tool loop. */
  finalStream: { body: string; text: string; reasoning: string; usage: LanguageModelUsage };
  /** Tools for the recorded calls, each answering `{ tool, ...input }`. */
  tools: ToolSet;
  /** The tool calls and results the second request of a tool loop carries, as the body holds them. */
  replayed(body: Record<string, unknown>): unknown;
  /** What {@link replayed} must find, the call ids given in their order. */
  expectedReplay(callIds: string[]): unknown;
  /** A recorded plain answer with its text replaced by `text`. */
  answerWithText(text: string): string;
  /** Where the body carries a JSON schema for the answer. */
  schemaOf(body: Record<string, unknown>): unknown;
  /** The first bytes of a recorded stream, up to and including its first text. */
  streamHead: { body: string; text: string };
}

/** Each tool answers with its name and its input, so the replayed results are predictable. */
function echoTool(name: string, inputSchema: z.ZodType<Record<string, unknown>>) {
  return tool({ inputSchema, execute: async (input) => ({ tool: name, ...input }) });
}

function sseEvents(name: string, count: number): string {
  return `${fixture(name)
    .split(/\r?\n\r?\n/)
    .slice(0, count)
    .join('\n\n')}\n\n`;
}

function withReplacedJson(name: string, change: (body: Record<string, unknown>) => void): string {
  const body = JSON.parse(fixture(name)) as Record<string, unknown>;
  change(body);
  return JSON.stringify(body);
}

interface AnthropicDelta {
  delta?: { type?: string; thinking?: string; text?: string };
}

const anthropicThinking = fixtureEvents<AnthropicDelta>('anthropic-messages-stream-thinking.sse')
  .map((event) => (event.delta?.type === 'thinking_delta' ? event.delta.thinking : ''))
  .join('');

const openAIAnswer = JSON.parse(fixture('openai-chat.json')) as {
  choices: Array<{ message: { content: string } }>;
  usage: NonNullable<LanguageModelUsage['raw']>;
};

const OPENAI: Wire = {
  name: 'OpenAI',
  model: 'openai/gpt-4o-mini',
  answer: {
    body: fixture('openai-chat.json'),
    text: openAIAnswer.choices[0]?.message.content as string,
    reasoning: undefined,
    usage: sdkUsage({ input: 16, output: 363, raw: openAIAnswer.usage }),
    rawFinishReason: 'stop',
  },
  toolStream: {
    body: fixture('openai-chat-stream-tool-calls.sse'),
    text: '',
    reasoning: '',
    calls: [
      {
        toolCallId: 'call_JMW1whyEaYG438VE1OIflxA2',
        toolName: 'GetWeatherArgs',
        input: { city: 'Edinburgh', country: 'GB', units: 'c' },
        fragments: [
          '{"ci',
          'ty": ',
          '"Edinb',
          'urgh',
          '", "c',
          'ountry',
          '": "',
          'GB", ',
          '"units',
          '": "',
          'c"}',
        ],
      },
      {
        toolCallId: 'call_DNYTawLBoN8fj3KN6qU9N1Ou',
        toolName: 'get_stock_price',
        input: { ticker: 'AAPL', exchange: 'NASDAQ' },
        fragments: ['{"ti', 'cker"', ': "AAP', 'L", ', '"exch', 'ange":', ' "NA', 'SDAQ"', '}'],
      },
    ],
    usage: sdkUsage({
      input: 149,
      output: 60,
      raw: {
        prompt_tokens: 149,
        completion_tokens: 60,
        total_tokens: 209,
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    }),
    rawFinishReason: 'tool_calls',
  },
  finalStream: {
    body: fixture('openai-chat-stream-usage.sse'),
    text: "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I recommend checking a reliable weather website or a weather app.",
    reasoning: '',
    usage: sdkUsage({
      input: 14,
      output: 30,
      raw: {
        prompt_tokens: 14,
        completion_tokens: 30,
        total_tokens: 44,
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    }),
  },
  tools: {
    GetWeatherArgs: echoTool(
      'GetWeatherArgs',
      z.object({ city: z.string(), country: z.string(), units: z.string() }),
    ),
    get_stock_price: echoTool(
      'get_stock_price',
      z.object({ ticker: z.string(), exchange: z.string() }),
    ),
  },
  replayed: (body) => (body.messages as unknown[]).slice(1),
  expectedReplay: ([weather, stock]) => [
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: weather,
          type: 'function',
          function: {
            name: 'GetWeatherArgs',
            arguments: '{"city":"Edinburgh","country":"GB","units":"c"}',
          },
        },
        {
          id: stock,
          type: 'function',
          function: { name: 'get_stock_price', arguments: '{"ticker":"AAPL","exchange":"NASDAQ"}' },
        },
      ],
    },
    {
      role: 'tool',
      tool_call_id: weather,
      content: '{"tool":"GetWeatherArgs","city":"Edinburgh","country":"GB","units":"c"}',
    },
    {
      role: 'tool',
      tool_call_id: stock,
      content: '{"tool":"get_stock_price","ticker":"AAPL","exchange":"NASDAQ"}',
    },
  ],
  answerWithText: (text) =>
    withReplacedJson('openai-chat.json', (body) => {
      const [choice] = body.choices as Array<{ message: { content: string } }>;
      if (choice) choice.message.content = text;
    }),
  schemaOf: (body) => body.response_format,
  streamHead: { body: sseEvents('openai-chat-stream-usage.sse', 2), text: "I'm" },
};

const ANTHROPIC: Wire = {
  name: 'Anthropic',
  model: 'anthropic/claude-sonnet-4-5',
  answer: {
    body: fixture('anthropic-messages.json'),
    text: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
    reasoning: undefined,
    usage: sdkUsage({
      input: 12,
      output: 29,
      raw: { prompt_tokens: 12, completion_tokens: 29, total_tokens: 41 },
    }),
    rawFinishReason: 'end_turn',
  },
  toolStream: {
    body: fixture('anthropic-messages-stream-tool-use.sse'),
    text: "I'll check the current weather in Paris for you.",
    reasoning: '',
    calls: [
      {
        toolCallId: 'toolu_01NRLabsLyVHZPKxbKvkfSMn',
        toolName: 'get_weather',
        input: { location: 'Paris' },
        fragments: ['{"locati', 'on": "P', 'ar', 'is"}'],
      },
    ],
    usage: sdkUsage({
      input: 377,
      output: 65,
      raw: { prompt_tokens: 377, completion_tokens: 65, total_tokens: 442 },
    }),
    rawFinishReason: 'tool_use',
  },
  finalStream: {
    body: fixture('anthropic-messages-stream-thinking.sse'),
    text: '925 ÷ 5 = 185',
    reasoning: anthropicThinking,
    usage: sdkUsage({
      input: 69,
      output: 53,
      raw: { prompt_tokens: 69, completion_tokens: 53, total_tokens: 122 },
    }),
  },
  tools: { get_weather: echoTool('get_weather', z.object({ location: z.string() })) },
  replayed: (body) => (body.messages as unknown[]).slice(1),
  expectedReplay: ([call]) => [
    {
      role: 'assistant',
      content: [
        { type: 'text', text: "I'll check the current weather in Paris for you." },
        { type: 'tool_use', id: call, name: 'get_weather', input: { location: 'Paris' } },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: call,
          content: '{"tool":"get_weather","location":"Paris"}',
        },
      ],
    },
  ],
  answerWithText: (text) =>
    withReplacedJson('anthropic-messages.json', (body) => {
      body.content = [{ type: 'text', text }];
    }),
  schemaOf: (body) => body.output_config,
  streamHead: { body: sseEvents('anthropic-messages-stream-tool-use.sse', 4), text: 'I' },
};

const GEMINI_THINKING_TEXT = '**Counting letters**\n\nStrawberry has r at positions 3, 8 and 9.';

const GEMINI: Wire = {
  name: 'Gemini',
  model: 'gemini/gemini-2.5-flash',
  answer: {
    body: fixture('written-gemini-generate-content-thinking.json'),
    text: "There are three r's in strawberry.",
    reasoning: GEMINI_THINKING_TEXT,
    // Thoughts are output tokens Gemini counts apart; cached content is part of the prompt.
    usage: sdkUsage({
      input: 1200,
      output: 60,
      cacheRead: 1024,
      reasoning: 48,
      raw: {
        prompt_tokens: 1200,
        completion_tokens: 60,
        total_tokens: 1260,
        prompt_tokens_details: { cached_tokens: 1024 },
        completion_tokens_details: { reasoning_tokens: 48 },
      },
    }),
    rawFinishReason: 'STOP',
  },
  toolStream: {
    body: fixture('written-gemini-stream-tool-calls.sse'),
    text: '',
    reasoning: 'The user wants the weather in two cities, then the time.',
    // Gemini sends whole calls, most without an id: shallot makes one.
    calls: [
      {
        toolCallId: /^call_[0-9a-f]{24}$/,
        toolName: 'get_weather',
        input: { city: 'Paris' },
        fragments: ['{"city":"Paris"}'],
      },
      {
        toolCallId: /^call_[0-9a-f]{24}$/,
        toolName: 'get_weather',
        input: { city: 'Tokyo', unit: 'celsius' },
        fragments: ['{"city":"Tokyo","unit":"celsius"}'],
      },
      { toolCallId: 'fc-time-1', toolName: 'get_time', input: {}, fragments: ['{}'] },
    ],
    usage: sdkUsage({
      input: 52,
      output: 160,
      reasoning: 120,
      raw: {
        prompt_tokens: 52,
        completion_tokens: 160,
        total_tokens: 212,
        completion_tokens_details: { reasoning_tokens: 120 },
      },
    }),
    // Gemini says STOP after function calls too; the calls make it tool-calls.
    rawFinishReason: 'STOP',
  },
  finalStream: {
    body: fixture('gemini-stream.sse'),
    text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
    reasoning: '',
    usage: sdkUsage({
      input: 9,
      output: 208,
      reasoning: 185,
      raw: {
        prompt_tokens: 9,
        completion_tokens: 208,
        total_tokens: 217,
        completion_tokens_details: { reasoning_tokens: 185 },
      },
    }),
  },
  tools: {
    get_weather: echoTool(
      'get_weather',
      z.object({ city: z.string(), unit: z.string().optional() }),
    ),
    get_time: echoTool('get_time', z.object({})),
  },
  replayed: (body) => (body.contents as unknown[]).slice(1),
  // Gemini's calls carry no ids back; the first keeps the thought signature it came with.
  expectedReplay: () => [
    {
      role: 'model',
      parts: [
        {
          functionCall: { name: 'get_weather', args: { city: 'Paris' } },
          thoughtSignature: 'CiQB0e2Kb7Hc0ZgCx9mVHq1o2Y3cP0aT8kZ3nG5rQy1uVb4=',
        },
        { functionCall: { name: 'get_weather', args: { city: 'Tokyo', unit: 'celsius' } } },
        { functionCall: { name: 'get_time', args: {} } },
      ],
    },
    {
      role: 'user',
      parts: [
        {
          functionResponse: {
            name: 'get_weather',
            response: { tool: 'get_weather', city: 'Paris' },
          },
        },
        {
          functionResponse: {
            name: 'get_weather',
            response: { tool: 'get_weather', city: 'Tokyo', unit: 'celsius' },
          },
        },
        { functionResponse: { name: 'get_time', response: { tool: 'get_time' } } },
      ],
    },
  ],
  answerWithText: (text) =>
    withReplacedJson('written-gemini-generate-content-thinking.json', (body) => {
      const [candidate] = body.candidates as Array<{ content: { parts: unknown[] } }>;
      if (candidate) candidate.content.parts = [{ text }];
    }),
  schemaOf: (body) => {
    const config = body.generationConfig as Record<string, unknown>;
    return {
      responseMimeType: config.responseMimeType,
      responseJsonSchema: config.responseJsonSchema,
    };
  },
  streamHead: { body: sseEvents('gemini-stream.sse', 1), text: 'There are **3**' },
};

/** The three wire formats. */
export const WIRES: readonly Wire[] = [OPENAI, ANTHROPIC, GEMINI];
