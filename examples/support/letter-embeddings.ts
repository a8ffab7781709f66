import type { ServerResponse } from 'node:http';

/** How wide the letter vectors are: one value a letter, a to z. */
const WIDTH = 26;

/**
 * A toy embedding for the examples: how often each letter a–z appears, scaled to length 1,
 * so that texts with similar letters point the same way. Real models do far better; this one
 * needs no network and gives the same vector every time.
 */
export function letterVector(text: string): number[] {
  const counts = new Array<number>(WIDTH).fill(0);
  for (const character of text.toLowerCase()) {
    const index = character.charCodeAt(0) - 97;
    if (index >= 0 && index < WIDTH) counts[index] = (counts[index] ?? 0) + 1;
  }
  const length = Math.hypot(...counts) || 1;
  return counts.map((count) => count / length);
}

/**
 * Answers an OpenAI-format `/embeddings` request with letter vectors, as OpenAI does: base64
 * float32 when asked for `encoding_format: 'base64'`, floats otherwise; one token a word.
 * Returns false for any other path.
 */
export function answerEmbeddings(
  path: string,
  body: Record<string, unknown>,
  response: ServerResponse,
): boolean {
  if (!path.endsWith('/embeddings')) return false;
  const input = Array.isArray(body.input) ? body.input : [body.input];
  const texts = input.map((item) => (typeof item === 'string' ? item : ''));
  const base64 = body.encoding_format === 'base64';
  const data = texts.map((text, index) => {
    const vector = letterVector(text);
    return {
      object: 'embedding',
      index,
      embedding: base64 ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector,
    };
  });
  const tokens = texts.reduce((sum, text) => sum + text.split(/\s+/).length, 0);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    }),
  );
  return true;
}
