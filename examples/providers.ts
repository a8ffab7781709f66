/**
 * One request, five providers: only the model string changes. A local server answers each in
 * its own wire format (Anthropic's /messages, Gemini's :generateContent, Ollama's /api/chat,
 * OpenAI's /chat/completions), and shallot hands back the same OpenAI shape every time.
 */
import { type CallbackKwargs, createClient } from 'shallot';
import { startEchoServer } from './support/echo-server.js';

const server = await startEchoServer();
const local = { apiKey: 'sk-local-demo-key', apiBase: server.url };
const client = createClient({
  providers: {
    openai: local,
    anthropic: local,
    gemini: local,
    ollama: { apiBase: server.url },
    groq: local,
  },
});
client.successCallback = [
  (kwargs: CallbackKwargs) =>
    console.log(
      `  ${kwargs.litellm_params.custom_llm_provider}: ${kwargs.standard_logging_object?.usage?.total_tokens} tokens, $${kwargs.response_cost?.toFixed(6)}, sent ${Object.keys(kwargs.additional_args.complete_input_dict ?? {}).join('/')}`,
    ),
];

const messages = [
  { role: 'system' as const, content: 'Answer briefly.' },
  { role: 'user' as const, content: 'Which layer am I?' },
];
for (const model of [
  'openai/gpt-4o-mini',
  'anthropic/claude-haiku-4-5',
  'gemini/gemini-2.5-flash',
  'ollama/llama3.2',
  'groq/llama-3.3-70b-versatile',
]) {
  const answer = await client.completion({ model, messages, max_tokens: 100 });
  console.log(
    `${model.padEnd(30)} → ${answer.choices[0]?.message.content} (${answer.choices[0]?.finish_reason})`,
  );
  await client.flush();
}
await server.close();
