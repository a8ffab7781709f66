import type { ContenderId, ContenderWorkloadId, ScenarioId } from './config.js';
import {
  LONG_STREAM_PIECES,
  longPromptOf,
  promptOf,
  REFERENCE_API_PATH,
  REFERENCE_SHORT_PIECES,
  REPLY,
  referenceLongPromptOf,
  referencePromptOf,
  referenceText,
  SHORT_STREAM_PIECES,
  type StreamReading,
  SYSTEM_PROMPT,
} from './wire.js';

/** One message of a request, as every contender sends it. */
export interface WireMessage {
  role: 'system' | 'user';
  content: string;
}

/**
 * How the contender workloads of one scenario call the fake server and what they must read
 * back. Each contender runs a scenario in a process of its own.
 */
export interface Scenario {
  id: ScenarioId;
  /** Its workloads of each kind, by the names `--only` takes; a kind left out is not run. */
  workloads: Partial<Record<WorkloadKind, ContenderWorkloadId>>;
  /** Where its calls go, after the fake server's origin. */
  apiPath: string;
  /** The contenders that run it. */
  contenders: readonly ContenderId[];
  /**
   * Whether shallot's clients are `createClient()` with no options (shallot's shared agent),
   * every call passing `apiKey` and `apiBase`, as users of a bare client write it; else each
   * client has its own agent (`dispatcher`) and the key and base URL in `providers.openai`.
   */
  bareClient: boolean;
  /** Said in the title of each of its workloads. */
  label: string;
  /** The user message of call number `id`: unique per call, so a cache never answers it. */
  promptOf(id: number): string;
  /** The user message of long-stream call number `id`, which asks for 2,000 chunks. */
  longPromptOf(id: number): string;
  /** The messages a contender sends with a user message. */
  messages(prompt: string): WireMessage[];
  /** The text of every plain answer. */
  reply: string;
  /** What the 20-chunk and the 2,000-chunk streams read to. */
  shortStream: StreamReading;
  longStream: StreamReading;
}

/** The kinds of workload a scenario can run (see workloads/contender-workloads.ts). */
export type WorkloadKind = 'plain' | 'stream20' | 'stream2000' | 'embeddings';

/** This benchmark's own calls: one user message, streams counted in text pieces. */
const BENCH: Scenario = {
  id: 'bench',
  workloads: { plain: 'plain', stream20: 'stream20', stream2000: 'stream2000' },
  apiPath: '/v1',
  contenders: ['undici', 'shallot-bare', 'shallot-full', 'openai', 'ai-sdk'],
  bareClient: false,
  label: '',
  promptOf,
  longPromptOf,
  messages: (prompt) => [{ role: 'user', content: prompt }],
  reply: REPLY,
  shortStream: SHORT_STREAM_PIECES,
  longStream: LONG_STREAM_PIECES,
};

/**
 * The calls of the independent reference harness (see bench/README.md): a system and a user
 * message, shallot's key and base URL given on every call, streams read to their joined text,
 * from answers shaped as api.openai.com's.
 */
const REFERENCE: Scenario = {
  id: 'reference',
  workloads: { plain: 'ref-plain', stream20: 'ref-stream20', stream2000: 'ref-stream2000' },
  apiPath: REFERENCE_API_PATH,
  contenders: ['undici', 'shallot-bare', 'shallot-full'],
  bareClient: true,
  label: 'reference scenario, ',
  promptOf: referencePromptOf,
  longPromptOf: referenceLongPromptOf,
  messages: (prompt) => [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: prompt },
  ],
  reply: referenceText(REFERENCE_SHORT_PIECES),
  shortStream: referenceText(REFERENCE_SHORT_PIECES),
  longStream: referenceText(LONG_STREAM_PIECES),
};

/**
 * Embedding calls of 100 inputs at `/v1/embeddings` (see embedding-wire.ts), in processes of
 * their own: shallot as a user of `createClient()` calls it, `apiKey` and `apiBase` on each
 * call. It runs no chat workload; its chat fields are this benchmark's own.
 */
const EMBEDDINGS: Scenario = {
  ...BENCH,
  id: 'embeddings',
  workloads: { embeddings: 'embeddings' },
  contenders: ['undici', 'shallot-bare', 'shallot-full', 'shallot-float32', 'openai'],
  bareClient: true,
};

/** Every scenario, in the order the full run measures them. */
export const SCENARIOS: Readonly<Record<ScenarioId, Scenario>> = {
  bench: BENCH,
  reference: REFERENCE,
  embeddings: EMBEDDINGS,
};
