import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../../bench/cli.js';
import { FULL, QUICK } from '../../bench/config.js';
import { createContenders } from '../../bench/contenders/index.js';
import { type FakeServer, startFakeServer } from '../../bench/server-process.js';
import { median, relativeSpread, slope } from '../../bench/stats.js';
import {
  LONG_STREAM_PIECES,
  longPromptOf,
  promptOf,
  REPLY,
  SHORT_STREAM_PIECES,
} from '../../bench/wire.js';

// The benchmark itself is `npm run bench`, never part of the tests: these check that its
// parts are right (what it parses, what it computes, what its server answers), not timings.

describe('the benchmark command line', () => {
  it('writes bench/results.md after a full run of everything, and only prints any other run', () => {
    const full = parseArgs([], 'results.md');
    expect(full.config).toBe(FULL);
    expect(full.outFile).toBe('results.md');
    expect(full.contenders).toEqual(['undici', 'shallot-bare', 'shallot-full', 'openai', 'ai-sdk']);
    expect(parseArgs(['--quick'], 'results.md')).toMatchObject({ config: QUICK, outFile: null });
    expect(parseArgs(['--only', 'plain'], 'results.md').outFile).toBeNull();
    expect(parseArgs(['--quick', '--out', '/tmp/q.md'], 'results.md').outFile).toBe('/tmp/q.md');
  });

  it('runs the floor with any contenders asked for, and workloads in their own order', () => {
    const options = parseArgs(['--contenders=openai,shallot-bare', '--only', 'memory,plain'], 'x');
    expect(options.contenders).toEqual(['undici', 'shallot-bare', 'openai']);
    expect(options.workloads).toEqual(['plain', 'memory']);
  });

  it('takes a baseline checkout to run side by side, and then only prints', () => {
    expect(parseArgs([], 'x').baseline).toBeNull();
    const options = parseArgs(['--baseline', '../before'], 'results.md');
    expect(options.baseline).toBe('../before');
    expect(options.outFile).toBeNull();
    expect(parseArgs(['--baseline=/tmp/b'], 'x').baseline).toBe('/tmp/b');
    expect(() => parseArgs(['--baseline'], 'x')).toThrow(/--baseline needs a directory/);
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
    const contenders = createContenders({ apiBase: server.apiBase }, [
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

  it('counts its own CPU time, which grows with the work it does', async () => {
    const before = await server.cpuMicros();
    const [floor] = createContenders({ apiBase: server.apiBase }, ['undici']);
    try {
      for (let id = 0; id < 20; id++) await floor?.stream(longPromptOf(id));
    } finally {
      await floor?.close();
    }
    expect(await server.cpuMicros()).toBeGreaterThan(before);
  });
});
