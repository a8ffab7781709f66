/**
 * The parts of Gemini's `GenerateContentResponse` the adapter reads. Every field is optional
 * and every object open: Google adds fields often, and a response must never fail on one.
 */

/** A function call the model made; the Gemini API usually sends no `id`. */
export interface GeminiFunctionCall {
  id?: string;
  name?: string;
  args?: Record<string, unknown>;
  [field: string]: unknown;
}

/** One part of a candidate's content: text, a thought summary, or a function call. */
export interface GeminiPart {
  text?: string;
  /** True on thought-summary text (with `thinkingConfig.includeThoughts`). */
  thought?: boolean;
  /** An opaque signature that must be sent back with the part in later turns. */
  thoughtSignature?: string;
  functionCall?: GeminiFunctionCall;
  [field: string]: unknown;
}

/** One candidate answer. */
export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  index?: number;
  [field: string]: unknown;
}

/** A whole response, or one stream event (which carries only the new parts). */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  /** Set, with no candidates, when the prompt itself was blocked. */
  promptFeedback?: { blockReason?: string; [field: string]: unknown };
  usageMetadata?: Record<string, unknown>;
  modelVersion?: string;
  responseId?: string;
  error?: unknown;
  [field: string]: unknown;
}

/** Google's RPC error object: `{ code, message, status, details }`. */
export interface GeminiErrorObject {
  code?: unknown;
  message?: unknown;
  status?: unknown;
  details?: unknown;
}

/** The extension field a tool call carries its Gemini `thoughtSignature` in. */
export interface SignedToolCall {
  /** Gemini's `thoughtSignature` for this call: send it back unchanged in the next turn. */
  thought_signature?: string;
  /** Where Google's OpenAI-compatible endpoint puts the same signature. */
  extra_content?: { google?: { thought_signature?: unknown } };
}
