import type {
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  SharedV3Warning,
} from '@ai-sdk/provider';
import type { ChatCompletion, ResponseMessage } from '../../index.js';
import type { CallObserver } from './observe.js';
import { reasoningMetadata, thinkingBlocksOf, toolCallMetadata } from './replay.js';
import { finishReasonOf, responseMetadataOf, usageOf } from './usage.js';

/**
 * A `chat.completion` as the AI SDK's generate result: the first choice's reasoning (with
 * Anthropic's thinking blocks for the next turn), text, refusal (as text) and tool calls
 * (their arguments as the JSON string, `{}` when the model sent none, Gemini's thought
 * signature kept), in that order; the usage, the finish reason, and what shallot knows of the
 * call (`providerMetadata.shallot`: cost, cache status, call id).
 */
export function generateResultOf(
  answer: ChatCompletion,
  warnings: SharedV3Warning[],
  observer: CallObserver,
): LanguageModelV3GenerateResult {
  const choice = answer.choices[0];
  const message = choice?.message;
  const refusal = message?.refusal;
  const refused = typeof refusal === 'string' && refusal !== '';
  const headers = observer.responseHeaders();
  const requestBody = observer.requestBody();
  const providerMetadata = observer.metadata();
  return {
    content: message === undefined ? [] : contentOf(message),
    finishReason: finishReasonOf(choice?.finish_reason, choice?.provider_finish_reason, refused),
    usage: usageOf(answer.usage),
    ...(providerMetadata === undefined ? {} : { providerMetadata }),
    ...(requestBody === undefined ? {} : { request: { body: requestBody } }),
    response: {
      ...responseMetadataOf(answer),
      ...(headers === undefined ? {} : { headers }),
      body: answer,
    },
    warnings,
  };
}

function contentOf(message: ResponseMessage): LanguageModelV3Content[] {
  const content: LanguageModelV3Content[] = [];
  const reasoning = message.reasoning_content;
  const blocks = thinkingBlocksOf(message);
  if ((typeof reasoning === 'string' && reasoning !== '') || blocks.length > 0) {
    const providerMetadata = reasoningMetadata(blocks);
    content.push({
      type: 'reasoning',
      text: typeof reasoning === 'string' ? reasoning : '',
      ...(providerMetadata === undefined ? {} : { providerMetadata }),
    });
  }
  if (typeof message.content === 'string' && message.content !== '')
    content.push({ type: 'text', text: message.content });
  if (typeof message.refusal === 'string' && message.refusal !== '')
    content.push({ type: 'text', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    const providerMetadata = toolCallMetadata(
      (call as { thought_signature?: unknown }).thought_signature,
    );
    content.push({
      type: 'tool-call',
      toolCallId: call.id,
      toolName: call.function.name,
      input: call.function.arguments === '' ? '{}' : call.function.arguments,
      ...(providerMetadata === undefined ? {} : { providerMetadata }),
    });
  }
  return content;
}
