import { z } from 'zod';
import type { CompletionOptions } from '../client/params.js';

/**
 * The zod schemas of `completion()` parameters. Objects are loose: unknown fields pass
 * through unchanged, because providers add parameters faster than any schema can follow.
 */

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const contentPart = z.looseObject({ type: z.string() });
const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

/** The roles a message may have, for error messages. */
export const MESSAGE_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'];

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.enum(['system', 'developer']), content: textContent }),
  z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(contentPart)]) }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([textContent, z.null()]).optional(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.looseObject({ role: z.literal('tool'), tool_call_id: z.string(), content: textContent }),
  z.looseObject({
    role: z.literal('function'),
    name: z.string(),
    content: z.union([z.string(), z.null()]),
  }),
]);

const functionTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().optional(),
  }),
});

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
  z.looseObject({ type: z.string() }),
]);

const responseFormat = z.union([
  z.looseObject({ type: z.enum(['text', 'json_object']) }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({ name: z.string(), schema: z.record(z.string(), z.unknown()) }),
  }),
]);

const positiveInt = z.number().int().positive();

/**
 * Whether a model name names both parts it has: not `openai/` nor `/gpt-4o`, which would send
 * an empty model, or resolve no provider.
 */
export function hasBothParts(model: string): boolean {
  return !model.startsWith('/') && !model.endsWith('/');
}

/** The OpenAI request parameters. */
export const requestSchema = z.looseObject({
  model: z
    .string()
    .min(1)
    .refine(hasBothParts, { message: 'has an empty provider or model name around its "/"' }),
  messages: z.array(message).min(1),
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: positiveInt.optional(),
  max_completion_tokens: positiveInt.optional(),
  n: positiveInt.optional(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).optional(),
  seed: z.number().int().optional(),
  user: z.string().optional(),
  tools: z.array(functionTool).optional(),
  tool_choice: toolChoice.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormat.optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
  logit_bias: z.record(z.string(), z.number()).optional(),
  logprobs: z.boolean().optional(),
  top_logprobs: z.number().int().min(0).max(20).optional(),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).optional(),
});

const isFunction = (value: unknown) => typeof value === 'function';
const fallbackTarget = z.union([z.string().min(1), z.looseObject({ model: z.string().min(1) })]);

/**
 * The schema of each of shallot's own options. Exactly the options of `CompletionOptions`, the
 * one specification: an option missing here, or one that `CompletionOptions` lacks, fails to
 * compile.
 */
const optionShapes = {
  apiKey: z.string().min(1).optional(),
  apiBase: z.url({ protocol: /^https?$/ }).optional(),
  apiVersion: z.string().min(1).optional(),
  headers: z.record(z.string(), z.string()).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  timeout: z.number().positive().optional(),
  signal: z.instanceof(AbortSignal).optional(),
  mockResponse: z
    .union([
      z.string(),
      z.instanceof(Error),
      z.looseObject({ choices: z.array(z.unknown()) }),
      z.array(z.union([z.string(), z.looseObject({ choices: z.array(z.unknown()) })])),
    ])
    .optional(),
  middleware: z.array(z.custom<unknown>(isFunction)).optional(),
  traceId: z.string().min(1).optional(),
  inputCostPerToken: z.number().nonnegative().optional(),
  outputCostPerToken: z.number().nonnegative().optional(),
  pricing: z.record(z.string(), z.unknown()).optional(),
  numRetries: z.number().int().nonnegative().optional(),
  fallbacks: z
    .union([
      z.array(fallbackTarget),
      z.object({
        default: z.array(fallbackTarget).optional(),
        contextWindow: z.array(fallbackTarget).optional(),
        contentPolicy: z.array(fallbackTarget).optional(),
        rateLimit: z.array(fallbackTarget).optional(),
      }),
    ])
    .optional(),
  totalTimeout: z.number().positive().optional(),
  firstChunkTimeout: z.number().positive().optional(),
  chunkTimeout: z.number().positive().optional(),
  redact: z
    .object({ messages: z.boolean().optional(), response: z.boolean().optional() })
    .optional(),
  cache: z
    .object({
      noCache: z.boolean().optional(),
      noStore: z.boolean().optional(),
      ttl: z.number().positive().optional(),
      sMaxAge: z.number().nonnegative().optional(),
      namespace: z.string().min(1).optional(),
      'no-cache': z.boolean().optional(),
      'no-store': z.boolean().optional(),
      's-maxage': z.number().nonnegative().optional(),
    })
    .optional(),
} satisfies { [Option in keyof CompletionOptions]-?: z.ZodOptional };

/** shallot's own options, which are never sent to the provider. */
export const optionsSchema = z.object(optionShapes);

/** The names of shallot's own options, split off before the request reaches the provider. */
export const OPTION_KEYS: ReadonlySet<string> = new Set(Object.keys(optionShapes));
