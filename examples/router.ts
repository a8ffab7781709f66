/**
 * A router over three deployments of one model group, `gpt-4o`: two regions and a backup
 * (order 1, used only when both regions are unavailable). The US region is down: its first
 * failures are retried on another deployment, then it is cooled and gets no calls. Local
 * servers play the deployments; the callbacks print which one served each attempt.
 */
import { type CallbackKwargs, createClient, NoDeploymentAvailableError } from 'shallot';
import { router } from 'shallot/middleware/router';
import { startEchoServer } from './support/echo-server.js';

const down = { status: 503, code: 'overloaded', message: 'The region is down.' };
const [eu, us, backup] = await Promise.all([
  startEchoServer(),
  startEchoServer({ fault: () => down }),
  startEchoServer(),
]);

/** A fixed sequence instead of Math.random, so that the demo prints the same every time. */
let seed = 2;
const random = () => {
  seed = (seed * 16807) % 2147483647;
  return (seed - 1) / 2147483646;
};

const routing = router({
  modelList: [
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: eu.url,
      apiKey: 'sk-eu',
      rpm: 600,
      id: 'eu',
    },
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: us.url,
      apiKey: 'sk-us',
      rpm: 600,
      id: 'us',
    },
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: backup.url,
      apiKey: 'sk-b',
      order: 1,
      id: 'backup',
    },
  ],
  allowedFails: 1, // cooled at the second failure within a minute
  cooldownMs: 60_000,
  random,
});
const client = createClient({
  middleware: [routing],
  numRetries: 2, // a retry goes to another deployment of the group
  retry: { baseDelayMs: 10, jitter: 0 },
});
const where = (kwargs: CallbackKwargs) =>
  `${kwargs.litellm_params.metadata.model_group} → ${(kwargs.litellm_params.metadata.model_info as { id: string }).id}`;
client.failureCallback = [
  (kwargs: CallbackKwargs) =>
    console.log(`  attempt ${kwargs.attempt}: ${where(kwargs)} failed (${kwargs.exception?.name})`),
];
client.successCallback = [
  (kwargs: CallbackKwargs) => console.log(`  attempt ${kwargs.attempt}: ${where(kwargs)} answered`),
];

const messages = [{ role: 'user' as const, content: 'Which region are you?' }];
console.log('Six calls to gpt-4o (weighted shuffle by rpm; us is down):');
for (let call = 1; call <= 6; call++) {
  console.log(`call ${call}`);
  await client.completion({ model: 'gpt-4o', messages });
  await client.flush();
}

console.log('Health:');
for (const deployment of await routing.health()) {
  const seconds = deployment.coolingUntil
    ? Math.round((deployment.coolingUntil.getTime() - Date.now()) / 1000)
    : undefined;
  console.log(
    `  ${deployment.id.padEnd(7)} ${deployment.state}${seconds ? ` for ${seconds} s` : ''}`,
  );
}

console.log('With eu over its limit too, the backup (order 1) answers:');
const tight = router({
  modelList: [
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: eu.url,
      apiKey: 'sk-eu',
      rpm: 1,
      id: 'eu',
    },
    {
      modelName: 'gpt-4o',
      model: 'openai/gpt-4o',
      apiBase: backup.url,
      apiKey: 'sk-b',
      order: 1,
      id: 'backup',
    },
  ],
});
const limited = createClient({ middleware: [tight] });
limited.successCallback = client.successCallback;
for (let call = 1; call <= 2; call++) {
  await limited.completion({ model: 'gpt-4o', messages });
  await limited.flush();
}

console.log('A group whose only deployment is cooling fails at once, before any request:');
const solo = router({
  modelList: [
    { modelName: 'solo', model: 'openai/gpt-4o', apiBase: us.url, apiKey: 'sk-us', id: 'us' },
  ],
  cooldownMs: 60_000,
  allowedFails: 0,
});
const alone = createClient({ middleware: [solo] });
await alone.completion({ model: 'solo', messages }).catch(() => {});
try {
  await alone.completion({ model: 'solo', messages });
} catch (error) {
  if (error instanceof NoDeploymentAvailableError) {
    console.log(
      `  ${error.name}: ${error.modelGroup}, back in ${Math.round((error.retryAfterMs ?? 0) / 1000)} s`,
    );
  }
}
await Promise.all([eu.close(), us.close(), backup.close()]);
