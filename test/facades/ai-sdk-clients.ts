import { type CallbackKwargs, type Client, type ClientOptions, createClient } from 'shallot';
import type { FakeProvider } from '../support/fake-provider.js';

/** US dollars per token that every model of these tests costs, in and out. */
export const PRICE = { input: 1e-6, output: 2e-6 } as const;

/** The models the facade tests call, each priced at {@link PRICE}. */
export const PRICED_MODELS = [
  'openai/gpt-4o-mini',
  'anthropic/claude-sonnet-4-5',
  'gemini/gemini-2.5-flash',
  'openai/text-embedding-3-small',
  'gemini/gemini-embedding-001',
  'voyage/voyage-3.5',
] as const;

/** What the client's callbacks saw of one call: its terminal event, its cost and its metadata. */
export interface CallEvent {
  event: 'success' | 'failure';
  model: string;
  cost: number | null;
  metadata: Record<string, unknown>;
  /** The failure's class name, on a failure event. */
  error?: string;
}

/** A client whose every provider is the fake, its models priced, with the events it saw. */
export interface RecordingClient {
  client: Client;
  /** Each call's one terminal event (success, or the failure no retry follows), in order; complete once `client.flush()` resolved. */
  events: CallEvent[];
  /** The class names of the failed attempts another attempt followed (`will_retry`). */
  retried: string[];
}

/**
 * A client that sends OpenAI, Anthropic, Gemini and Voyage calls to the fake provider, prices
 * {@link PRICED_MODELS} at {@link PRICE}, and records what its success and failure callbacks see:
 * the one terminal event of each call apart from the failed attempts a retry followed.
 */
export function recordingClient(fake: FakeProvider, options: ClientOptions = {}): RecordingClient {
  const apiBase = fake.url;
  const client = createClient({
    providers: {
      openai: { apiKey: 'sk-test-openai', apiBase },
      anthropic: { apiKey: 'sk-ant-test', apiBase },
      gemini: { apiKey: 'gemini-test-key', apiBase },
      voyage: { apiKey: 'pa-test-voyage', apiBase },
    },
    pricing: Object.fromEntries(
      PRICED_MODELS.map((model) => [
        model,
        { inputCostPerToken: PRICE.input, outputCostPerToken: PRICE.output },
      ]),
    ),
    ...options,
  });
  const events: CallEvent[] = [];
  const retried: string[] = [];
  const record = (event: CallEvent['event']) => (kwargs: CallbackKwargs) => {
    if (kwargs.will_retry) {
      retried.push(kwargs.exception?.name ?? 'unknown');
      return;
    }
    const seen: CallEvent = {
      event,
      model: kwargs.model,
      cost: kwargs.response_cost,
      metadata: kwargs.litellm_params.metadata,
    };
    if (kwargs.exception) seen.error = kwargs.exception.name;
    events.push(seen);
  };
  client.successCallback.push(record('success'));
  client.failureCallback.push(record('failure'));
  return { client, events, retried };
}

/** What a call of `input` prompt and `output` completion tokens costs at {@link PRICE}. */
export function costOf(input: number, output: number): number {
  return input * PRICE.input + output * PRICE.output;
}
