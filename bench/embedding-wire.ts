/**
 * The embeddings workload's wire: the model, the inputs every contender sends, the vectors the
 * fake server answers with (deterministic, the same for every call), and the check every
 * contender's answer must pass. Shared by the server process and the contenders' processes.
 */

/** The model every contender asks for; priced in shallot's bundled table. */
export const EMBEDDING_MODEL = 'text-embedding-3-small';
/** Inputs per call, and vectors per answer. */
export const EMBEDDING_INPUTS = 100;
/** The width of every vector: `text-embedding-3-small`'s default. */
export const EMBEDDING_DIMENSIONS = 1536;
/** The prompt tokens every answer reports: 100 inputs of about 17 tokens. */
export const EMBEDDING_PROMPT_TOKENS = 1_700;

/**
 * The inputs of call number `id`: 100 sentences, each naming the call, so that a cache never
 * answers one (every input of every call is new).
 */
export function embeddingInputsOf(id: number): string[] {
  return Array.from(
    { length: EMBEDDING_INPUTS },
    (_, index) =>
      `Passage ${index} of call ${id}: shallot sends a hundred of these to the embeddings endpoint at once.`,
  );
}

/** What an embeddings call resolves to, as each contender reads it: the vectors, in input order. */
export type EmbeddingReading = ReadonlyArray<ArrayLike<number>>;

let vectors: Float32Array[] | undefined;

/**
 * The 100 vectors of every answer: unit-length, normally distributed values as a real model's
 * (about ±0.03 each at 1536 dimensions), from a seeded generator, so every process computes
 * the same float32 values.
 */
export function embeddingVectors(): readonly Float32Array[] {
  vectors ??= Array.from({ length: EMBEDDING_INPUTS }, (_, index) => unitVector(index + 1));
  return vectors;
}

function unitVector(seed: number): Float32Array {
  const random = mulberry32(seed);
  const values = new Float64Array(EMBEDDING_DIMENSIONS);
  let squares = 0;
  for (let position = 0; position < values.length; position++) {
    // Box-Muller: a standard normal value from two uniform ones.
    const value = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    values[position] = value;
    squares += value * value;
  }
  const norm = Math.sqrt(squares);
  return Float32Array.from(values, (value) => value / norm);
}

/** A small seeded generator of uniform values in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * A float32 value as OpenAI prints it in a float answer: the shortest decimal that reads back
 * as the same float32 (`-0.0069287205`, up to 9 significant digits).
 */
export function float32Text(value: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}

/** Positions checked in each vector: a few, spread out, different for each vector. */
const SAMPLES = 4;

/**
 * Throws unless `reading` holds the 100 vectors of the answer in input order, each 1536 wide,
 * with the right values at a few positions of each (read as float32: a float answer's values
 * are the decimals, a base64 answer's the float32 values themselves).
 */
export function expectEmbeddings(contender: string, reading: EmbeddingReading): void {
  const expected = embeddingVectors();
  if (reading.length !== expected.length) {
    throw new Error(`${contender}: expected ${expected.length} vectors, got ${reading.length}`);
  }
  for (let index = 0; index < expected.length; index++) {
    const vector = reading[index] as ArrayLike<number>;
    const want = expected[index] as Float32Array;
    if (vector.length !== want.length) {
      throw new Error(
        `${contender}: vector ${index} is ${vector.length} wide, expected ${want.length}`,
      );
    }
    for (let sample = 0; sample < SAMPLES; sample++) {
      const position = (index * 37 + sample * 401) % want.length;
      if (Math.fround(vector[position] as number) !== want[position]) {
        throw new Error(
          `${contender}: vector ${index} holds ${vector[position]} at ${position}, expected ${want[position]}`,
        );
      }
    }
  }
}
