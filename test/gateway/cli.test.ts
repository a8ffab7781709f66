import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { fixture, useFakeProvider } from '../support/fake-provider.js';
import { describeWithPostgres } from '../support/postgres.js';
import { useTestSchemas } from '../support/postgres-schema.js';
import { useShallotCli } from '../support/shallot-cli.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/gateway/shallot.yaml', import.meta.url));
const fake = useFakeProvider({ reply: { body: fixture('openai-chat.json') } });
const messages = [{ role: 'user' as const, content: 'Hi' }];

const { shallot, served, configFile, pathOf } = useShallotCli();

describe('shallot serve', () => {
  it('serves the example config with no key and no network, and stops on SIGINT with exit 0', async () => {
    const { cli, url } = await served(EXAMPLE, { PORT: '0' });
    expect(cli.stdout()).toContain(`(OpenAI API at ${url}/v1; models: demo; callers: open)`);
    const openai = new OpenAI({ apiKey: 'unused', baseURL: `${url}/v1`, maxRetries: 0 });
    const answer = await openai.chat.completions.create({ model: 'demo', messages });
    expect(answer.choices[0]?.message.content).toMatch(/^Hello from shallot's demo deployment/);
    expect((await openai.models.list()).data.map((model) => model.id)).toEqual(['demo']);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).not.toContain('warning');
  });

  it('on SIGTERM stops taking requests, lets the one in flight finish, and exits 0', async () => {
    let open: () => void = () => {};
    fake.reply({
      gate: new Promise<void>((resolve) => (open = resolve)),
      body: fixture('openai-chat.json'),
    });
    const config = await configFile(
      'slow.yaml',
      `
model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4.1-nano, api_base: "${fake.url}", api_key: os.environ/UPSTREAM_KEY }
litellm_settings:
  drop_params: true
`,
    );
    const { cli, url } = await served(config, { UPSTREAM_KEY: 'sk-upstream' });
    expect(cli.stderr()).toContain(
      'shallot: warning: litellm_settings.drop_params: not supported by shallot; ignored.\n',
    );
    const body = JSON.stringify({ model: 'gpt', messages });
    const inFlight = fetch(`${url}/v1/chat/completions`, { method: 'POST', body });
    await expect.poll(() => fake.requests.length).toBe(1);
    expect(fake.requests[0]?.headers.authorization).toBe('Bearer sk-upstream');
    cli.child.kill('SIGTERM');
    await cli.output(/SIGTERM: stopping/);
    await expect(fetch(`${url}/v1/models`)).rejects.toThrow();
    open();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { object: string }).object).toBe('chat.completion');
    expect(await cli.exited).toBe(0);
    expect(cli.stderr()).toContain('shallot: stopped.');
  });

  it('asks for the master key when the config sets one', async () => {
    const config = await configFile(
      'keyed.yaml',
      `
model_list:
  - model_name: demo
    litellm_params: { model: openai/demo, mock_response: Hi, input_cost_per_token: 0, output_cost_per_token: 0 }
general_settings:
  master_key: os.environ/TEST_MASTER_KEY
`,
    );
    const { url, stop } = await served(config, { TEST_MASTER_KEY: 'sk-master-1234' });
    const request = (key?: string) =>
      fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'demo', messages }),
      });
    expect((await request()).status).toBe(401);
    const refused = await request('sk-other');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_api_key',
    );
    expect((await request('sk-master-1234')).status).toBe(200);
    expect(await stop()).toBe(0);
  });

  it('exits 1 on a bad config, with the file and the path of the bad field on stderr', async () => {
    const config = await configFile(
      'bad.yaml',
      'model_list:\n  - model_name: gpt\n    litellm_params: { model: openai/gpt-4o, rpm: fast }\n',
    );
    const cli = shallot(['serve', '--config', config]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toBe(
      `shallot: ${config}: model_list[0].litellm_params.rpm: expected a number, received string "fast".\n`,
    );
    const unbuilt = await configFile('sink.yaml', 'litellm_settings: { callbacks: [postgres] }\n');
    const sink = shallot(['serve', '--config', unbuilt]);
    expect(await sink.exited).toBe(1);
    expect(sink.stderr()).toBe(
      `shallot: ${unbuilt}: litellm_settings.callbacks[0]: "postgres" needs general_settings.database_url.\n`,
    );
    const missing = shallot(['serve', '--config', pathOf('none.yaml')]);
    expect(await missing.exited).toBe(1);
    expect(missing.stderr()).toContain('none.yaml: cannot be read: no such file.');
  });

  it('prints its usage for --help, and exits 2 on bad usage', async () => {
    const help = shallot(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.stdout()).toMatch(/^Usage: shallot serve --config <file>/);
    const misuses = [[], ['start'], ['serve'], ['serve', '--config', EXAMPLE, '--port', 'x']];
    const clis = misuses.map((args) => shallot(args));
    expect(await Promise.all(clis.map((cli) => cli.exited))).toEqual([2, 2, 2, 2]);
    for (const cli of clis) expect(cli.stderr()).toContain('Usage: shallot serve');
  });
});

describeWithPostgres('shallot serve with master_key and database_url', () => {
  // The keys' table is created under its default name, in a schema of this run's own.
  const testSchema = useTestSchemas();

  it('serves virtual keys: the master key makes one, which may then call', async () => {
    const config = await configFile(
      'keys.yaml',
      `
model_list:
  - model_name: demo
    litellm_params: { model: openai/demo, mock_response: Hi, input_cost_per_token: 0, output_cost_per_token: 0 }
general_settings:
  master_key: os.environ/TEST_MASTER_KEY
  database_url: os.environ/TEST_DATABASE_URL
`,
    );
    const schema = await testSchema('cli');
    const { cli, url, stop } = await served(config, {
      TEST_MASTER_KEY: 'sk-master-5678',
      TEST_DATABASE_URL: schema.url,
    });
    expect(cli.stdout()).toContain('callers: virtual keys)');
    const post = (path: string, key: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
    const made = await post('/key/generate', 'sk-master-5678', { models: ['demo'] });
    expect(made.status).toBe(200);
    const { key } = (await made.json()) as { key: string };
    const call = { model: 'demo', messages };
    expect((await post('/v1/chat/completions', key, call)).status).toBe(200);
    expect((await post('/v1/chat/completions', 'sk-unknown', call)).status).toBe(401);
    expect(await stop()).toBe(0);
  });
});
