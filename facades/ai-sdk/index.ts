/**
 * `shallot/ai-sdk`: a Vercel AI SDK provider (specification v3) whose language and embedding
 * models run every call through a shallot client's onion. `@ai-sdk/provider` is an optional
 * peer dependency, used for its types only: this module never loads it.
 *
 * @example
 * import { generateText } from 'ai';
 * import { createShallot } from 'shallot/ai-sdk';
 *
 * const shallot = createShallot({ client });
 * const { text } = await generateText({ model: shallot('openai/gpt-4o-mini'), prompt: 'Say hi' });
 */
export { ShallotEmbeddingModel } from './embedding-model.js';
export { ShallotLanguageModel } from './language-model.js';
export type { ShallotCallMetadata } from './observe.js';
export {
  createShallot,
  type ShallotProvider,
  type ShallotProviderSettings,
} from './provider.js';
export type { ShallotCallSettings, ShallotEmbeddingSettings } from './settings.js';
