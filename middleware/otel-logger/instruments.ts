import type {
  Attributes,
  AttributeValue,
  Counter,
  Histogram,
  Meter,
  MeterProvider,
} from '@opentelemetry/api';
import type { CallRecord } from '../../src/kit/index.js';

/** The GenAI conventions' advised buckets for `gen_ai.client.token.usage`. */
const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** The GenAI conventions' advised buckets for durations in seconds. */
const SECOND_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** The GenAI client metrics, and shallot's cost counter, on one meter. */
export class GenAiInstruments {
  readonly #tokens: Histogram;
  readonly #duration: Histogram;
  readonly #firstChunk: Histogram;
  readonly #cost: Counter;

  constructor(meter: Meter) {
    this.#tokens = meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      description: 'Number of input and output tokens used.',
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    });
    this.#duration = meter.createHistogram('gen_ai.client.operation.duration', {
      unit: 's',
      description: 'GenAI operation duration.',
      advice: { explicitBucketBoundaries: SECOND_BUCKETS },
    });
    this.#firstChunk = meter.createHistogram('gen_ai.client.operation.time_to_first_chunk', {
      unit: 's',
      description: 'Time to receive the first chunk of a streamed answer.',
      advice: { explicitBucketBoundaries: SECOND_BUCKETS },
    });
    this.#cost = meter.createCounter('shallot.client.cost', {
      unit: 'USD',
      description:
        'What the calls cost, in US dollars (0 for a cache hit; unpriced models omitted).',
    });
  }

  /** Records one finished call. `common` holds the call's operation, provider and model. */
  record(record: CallRecord, common: Attributes, responseModel: string | undefined): void {
    const attributes = definedOnly({ ...common, 'gen_ai.response.model': responseModel });
    this.#duration.record(
      record.latency_ms / 1000,
      record.error ? { ...attributes, 'error.type': record.error.class } : attributes,
    );
    if (record.stream && record.time_to_first_token_ms !== null) {
      this.#firstChunk.record(record.time_to_first_token_ms / 1000, attributes);
    }
    // A cache hit consumed no tokens.
    if (record.usage !== null && !record.cache_hit) {
      const tokens = record.usage;
      this.#tokens.record(tokens.prompt_tokens, { ...attributes, 'gen_ai.token.type': 'input' });
      this.#tokens.record(tokens.completion_tokens, {
        ...attributes,
        'gen_ai.token.type': 'output',
      });
    }
    if (record.response_cost !== null) this.#cost.add(record.response_cost, attributes);
  }
}

/**
 * The instruments of whichever meter provider is current: the one given, or the global one,
 * which may be registered after the logger is made (the metrics API has no proxy for it).
 */
export function instrumentsOf(
  provider: () => MeterProvider,
  scope: { name: string; version?: string },
): () => GenAiInstruments {
  let madeFor: MeterProvider | undefined;
  let made: GenAiInstruments | undefined;
  return () => {
    const current = provider();
    if (made === undefined || madeFor !== current) {
      made = new GenAiInstruments(current.getMeter(scope.name, scope.version));
      madeFor = current;
    }
    return made;
  };
}

function definedOnly(attributes: Attributes): Attributes {
  const defined: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) defined[name] = value;
  }
  return defined;
}
