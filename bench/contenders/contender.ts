import type { EmbeddingReading } from '../embedding-wire.js';
import type { Scenario } from '../scenarios.js';
import type { StreamReading } from '../wire.js';

/** Where a contender sends its calls, and how. */
export interface ContenderSetup {
  /** The OpenAI-style base URL of the fake server for the scenario, ending in `/v1`. */
  apiBase: string;
  /** What the calls send and what a stream reads to (see scenarios.ts). */
  scenario: Scenario;
}

/** One way of calling the fake server, as the workloads drive it. */
export interface Contender {
  /** The name printed in the tables. */
  readonly name: string;
  /** One non-streamed call with this user message; resolves to the answer's text. */
  plain(prompt: string): Promise<string | null>;
  /**
   * One streamed call read to the end; resolves to the number of non-empty text pieces, or in
   * the reference scenario to their text joined.
   */
  stream(prompt: string): Promise<StreamReading>;
  /**
   * One embeddings call of these inputs (`/embeddings`, the vectors in the client's default
   * form unless the contender says otherwise); resolves to them in input order. The embeddings
   * workload needs it; the other workloads never call it.
   */
  embed?(inputs: string[]): Promise<EmbeddingReading>;
  /** Work that belongs to the calls but may still be running, finished inside the timed run. */
  settle?(): Promise<void>;
  /** Untimed housekeeping between two measured runs. */
  reset?(): Promise<void>;
  /** Releases connections, clients and files. */
  close(): Promise<void>;
}
