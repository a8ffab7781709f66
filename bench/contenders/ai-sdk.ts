import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { API_KEY, MODEL } from '../wire.js';
import type { Contender, ContenderSetup } from './contender.js';

/**
 * The Vercel AI SDK with its OpenAI provider, Chat Completions model, as its users construct
 * it (default `fetch`, Node's built-in one). Streams are read from `fullStream`, so that an
 * error part fails the call instead of ending the text early.
 */
export function aiSdk(setup: ContenderSetup): Contender {
  const name = 'ai sdk';
  const openai = createOpenAI({ apiKey: API_KEY, baseURL: setup.apiBase });
  const model = openai.chat(MODEL);
  return {
    name,
    async plain(prompt) {
      const result = await generateText({
        model,
        messages: [{ role: 'user', content: prompt }],
        maxRetries: 0,
      });
      return result.text;
    },
    async stream(prompt) {
      const result = streamText({
        model,
        messages: [{ role: 'user', content: prompt }],
        maxRetries: 0,
      });
      let pieces = 0;
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta' && part.text) pieces++;
        else if (part.type === 'error')
          throw new Error(`${name}: stream error`, { cause: part.error });
      }
      return pieces;
    },
    async close() {},
  };
}
