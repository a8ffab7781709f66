/**
 * Which content a call record hides: the request's messages, the response, or both. Keys and
 * auth headers are never in a record at all, and metadata values under credential-like names
 * are always masked; this is about the conversation itself.
 */
export interface RedactionPolicy {
  /** Replace the record's messages with `'[redacted]'`. */
  messages?: boolean;
  /** Replace the record's response with `'[redacted]'`. */
  response?: boolean;
}

/** A policy with every choice made. */
export type ResolvedRedaction = Required<RedactionPolicy>;

let processDefault: ResolvedRedaction = { messages: false, response: false };

/**
 * Sets the process-wide default redaction, under every client's and every call's own choice
 * (LiteLLM's `turn_off_message_logging`).
 *
 * @example
 * setDefaultRedaction({ messages: true, response: true }); // no conversation in any log
 */
export function setDefaultRedaction(policy: RedactionPolicy): void {
  processDefault = { ...processDefault, ...definedOnly(policy) };
}

/**
 * The redaction for one call, field by field: the call's choice, else the client's, else the
 * process default, else nothing redacted.
 */
export function resolveRedaction(
  call: RedactionPolicy | undefined,
  client: RedactionPolicy | undefined,
): ResolvedRedaction {
  return {
    messages: call?.messages ?? client?.messages ?? processDefault.messages,
    response: call?.response ?? client?.response ?? processDefault.response,
  };
}

function definedOnly(policy: RedactionPolicy): RedactionPolicy {
  const defined: RedactionPolicy = {};
  if (policy.messages !== undefined) defined.messages = policy.messages;
  if (policy.response !== undefined) defined.response = policy.response;
  return defined;
}
