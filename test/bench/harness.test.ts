import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../bench/cli.js';
import { FULL, QUICK } from '../../bench/config.js';
import { createContenders } from '../../bench/contenders/index.js';
import { directTarget, startGateway } from '../../bench/gateway/gateways.js';
import { loadOf } from '../../bench/gateway/load.js';
import { portkeyDirOf } from '../../bench/gateway/variants.js';
import { SCENARIOS } from '../../bench/scenarios.js';
import { type FakeServer, startFakeServer } from '../../bench/server-process.js';
import { median, relativeSpread, slope } from '../../bench/stats.js';
import {
  LONG_STREAM_PIECES,
  longPromptOf,
  promptOf,
  REFERENCE_ANSWER_MODEL,
  REFERENCE_API_PATH,
  REFERENCE_SHORT_PIECES,
  REPLY,
  referenceText,
  SHORT_STREAM_PIECES,
} from '../../bench/wire.js';

// The benchmark itself is `npm run bench`, never part of the tests: these check that its
// parts are right (what it parses, what it computes, what its server answers), not timings.

describe('the benchmark command line', () => {
  it('writes bench/results.md after a full run of everything, and only prints any other run', () => {
    const full = parseArgs([], 'results.md');
    expect(full.config).toBe(FULL);
    expect(full.outFile).toBe('results.md');
    expect(full.contenders).toEqual([
      'undici',
      'shallot-bare',
      'shallot-full',
      'shallot-float32',
      'openai',
      'ai-sdk',
    ]);
    expect(parseArgs(['--quick'], 'results.md')).toMatchObject({ config: QUICK, outFile: null });
    expect(parseArgs(['--only', 'plain'], 'results.md').outFile).toBeNull();
    expect(parseArgs(['--quick', '--out', '/tmp/q.md'], 'results.md').outFile).toBe('/tmp/q.md');
  });

  it('runs the floor with any contenders asked for, and workloads in their own order', () => {
    const options = parseArgs(['--contenders=openai,shallot-bare', '--only', 'memory,plain'], 'x');
    expect(options.contenders).toEqual(['undici', 'shallot-bare', 'openai']);
    expect(options.workloads).toEqual(['plain', 'memory']);
  });

  it('runs the reference scenario in the full run, and alone with --only', () => {
    expect(parseArgs([], 'x').workloads).toEqual([
      'plain',
      'stream20',
      'stream2000',
      'ref-plain',
      'ref-stream20',
      'ref-stream2000',
      'embeddings',
      'gateway',
      'overhead',
      'cache-hit',
      'memory',
      'dashboard',
    ]);
    const options = parseArgs(['--only', 'ref-stream2000,ref-plain', '--quick'], 'results.md');
    expect(options).toMatchObject({ config: QUICK, outFile: null });
    expect(options.workloads).toEqual(['ref-plain', 'ref-stream2000']);
  });

  it('takes a baseline checkout to run side by side, and then only prints', () => {
    expect(parseArgs([], 'x').baseline).toBeNull();
    const options = parseArgs(['--baseline', '../before'], 'results.md');
    expect(options.baseline).toBe('../before');
    expect(options.outFile).toBeNull();
    expect(parseArgs(['--baseline=/tmp/b'], 'x').baseline).toBe('/tmp/b');
    expect(() => parseArgs(['--baseline'], 'x')).toThrow(/--baseline needs a directory/);
  });

  it('runs Portkey in the gateway workload only when asked to', () => {
    expect(parseArgs([], 'x').portkey).toBe(false);
    expect(parseArgs(['--only', 'gateway', '--portkey'], 'x')).toMatchObject({
      portkey: true,
      workloads: ['gateway'],
    });
    expect(() => portkeyDirOf({})).toThrow(/SHALLOT_BENCH_PORTKEY_DIR.*npm install @portkey-ai/);
    expect(() => portkeyDirOf({ SHALLOT_BENCH_PORTKEY_DIR: '/nowhere' })).toThrow(
      /no node_modules\/@portkey-ai\/gateway/,
    );
  });

  it('rejects unknown flags, unknown names and empty lists with the usage text', () => {
    expect(() => parseArgs(['--fast'], 'x')).toThrow(UsageError);
    expect(() => parseArgs(['--fast'], 'x')).toThrow(/unknown argument "--fast"[\s\S]*Usage/);
    expect(() => parseArgs(['--only', 'plain,warp'], 'x')).toThrow(/--only: unknown warp/);
    expect(() => parseArgs(['--contenders', ''], 'x')).toThrow(/comma-separated list/);
    expect(() => parseArgs(['--out'], 'x')).toThrow(/--out needs a file name/);
  });
});

describe('the benchmark statistics', () => {
  it('takes medians of odd and even lists, spreads around the median, and least-squares slopes', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(relativeSpread([90, 100, 110])).toBeCloseTo(0.2);
    expect(relativeSpread([7])).toBe(0);
    expect(slope([0, 1, 2, 3], [10, 12, 14, 16])).toBeCloseTo(2);
    expect(slope([0, 1, 2], [5, 5, 5])).toBe(0);
    expect(() => median([])).toThrow(/empty/);
  });
});

describe('the benchmark fake server', () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer();
  });
  afterAll(() => server.close());

  it('gives every contender the same answers: the reply, 18 stream pieces, 2,000 long-stream pieces', async () => {
    const contenders = createContenders({ apiBase: server.apiBase, scenario: SCENARIOS.bench }, [
      'undici',
      'shallot-bare',
      'shallot-full',
      'openai',
      'ai-sdk',
    ]);
    try {
      for (const contender of contenders) {
        expect(await contender.plain(promptOf(1)), contender.name).toBe(REPLY);
        expect(await contender.stream(promptOf(2)), contender.name).toBe(SHORT_STREAM_PIECES);
        expect(await contender.stream(longPromptOf(3)), contender.name).toBe(LONG_STREAM_PIECES);
        await contender.settle?.();
      }
    } finally {
      await Promise.all(contenders.map((contender) => contender.close()));
    }
  });

  it('gives the contenders of the reference scenario its own answers, read to their joined text', async () => {
    const scenario = SCENARIOS.reference;
    const apiBase = `${server.origin}${REFERENCE_API_PATH}`;
    const contenders = createContenders({ apiBase, scenario }, [
      'undici',
      'shallot-bare',
      'shallot-full',
    ]);
    try {
      for (const contender of contenders) {
        expect(await contender.plain(scenario.promptOf(1)), contender.name).toBe(scenario.reply);
        expect(await contender.stream(scenario.promptOf(2)), contender.name).toBe(
          referenceText(REFERENCE_SHORT_PIECES),
        );
        expect(await contender.stream(scenario.longPromptOf(3)), contender.name).toBe(
          referenceText(LONG_STREAM_PIECES),
        );
        await contender.settle?.();
      }
    } finally {
      await Promise.all(contenders.map((contender) => contender.close()));
    }
    expect(() => createContenders({ apiBase, scenario }, ['openai'])).toThrow(
      /openai does not run the reference scenario/,
    );
  });

  it('answers the reference scenario as api.openai.com does, each body whole with its length', async () => {
    const post = async (body: object) => {
      const response = await fetch(`${server.origin}${REFERENCE_API_PATH}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', ...body }),
      });
      const text = await response.text();
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      return { type: response.headers.get('content-type'), text };
    };
    const messages = SCENARIOS.reference.messages(SCENARIOS.reference.promptOf(4));
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);

    const plain = await post({ messages });
    expect(plain.type).toBe('application/json');
    expect(JSON.parse(plain.text)).toMatchObject({
      object: 'chat.completion',
      model: REFERENCE_ANSWER_MODEL,
      choices: [{ message: { content: referenceText(20), refusal: null }, logprobs: null }],
      service_tier: 'default',
      usage: { completion_tokens: 20, completion_tokens_details: { reasoning_tokens: 0 } },
    });

    const stream = await post({ messages, stream: true, stream_options: { include_usage: true } });
    expect(stream.type).toBe('text/event-stream');
    const events = stream.text.split('\n\n').filter(Boolean);
    expect(events.every((event) => event.startsWith('data: '))).toBe(true);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    // A role chunk, 20 content chunks, a finish chunk and a usage chunk.
    expect(chunks).toHaveLength(REFERENCE_SHORT_PIECES + 3);
    expect(chunks[0]).toMatchObject({
      object: 'chat.completion.chunk',
      model: REFERENCE_ANSWER_MODEL,
      system_fingerprint: expect.any(String),
      choices: [{ delta: { role: 'assistant', content: '', refusal: null }, logprobs: null }],
    });
    expect(chunks.slice(0, -1).every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 20 } });
  });

  it("reads the same answers through shallot's gateway as straight from the server", async () => {
    const gateway = await startGateway('shallot', server.apiBase);
    const targets = [directTarget(server.apiBase), gateway];
    const loads = targets.map(loadOf);
    try {
      for (const load of loads) {
        expect(await load.plain(promptOf(5))).toBe(REPLY);
        expect(await load.stream(promptOf(6))).toBe(SHORT_STREAM_PIECES);
      }
      expect(await gateway.cpuMicros()).toBeGreaterThan(0);
    } finally {
      await Promise.all(loads.map((load) => load.close()));
      await gateway.close();
    }
  });

  it('counts its own CPU time, which grows with the work it does', async () => {
    const before = await server.cpuMicros();
    const [floor] = createContenders({ apiBase: server.apiBase, scenario: SCENARIOS.bench }, [
      'undici',
    ]);
    try {
      for (let id = 0; id < 20; id++) await floor?.stream(longPromptOf(id));
    } finally {
      await floor?.close();
    }
    expect(await server.cpuMicros()).toBeGreaterThan(before);
  });
});
