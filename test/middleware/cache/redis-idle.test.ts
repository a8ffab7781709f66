import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cleanUpRedisAfterAll,
  describeWithRedis,
  REDIS_TEST_PREFIX,
  REDIS_URL,
} from '../../support/redis.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const script = fileURLToPath(new URL('./scripts/redis-cache-no-shutdown.ts', import.meta.url));
/** Far longer than the script needs; a script held open by its connection runs into it. */
const HELD_OPEN_MS = 15_000;

interface Ending {
  code: number | null;
  killed: boolean;
  stdout: string;
}

/** Runs the script as a user would (`npx tsx`), and says how it ended. */
function runScript(redisUrl: string, keyPrefix: string): Promise<Ending> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['node_modules/tsx/dist/cli.mjs', script],
      {
        cwd: root,
        timeout: HELD_OPEN_MS,
        env: { ...process.env, SCRIPT_REDIS_URL: redisUrl, SCRIPT_KEY_PREFIX: keyPrefix },
      },
      (error, stdout) => {
        resolve({ code: child.exitCode, killed: error?.killed ?? false, stdout });
      },
    );
  });
}

describeWithRedis('a script with a Redis cache and no shutdown()', () => {
  cleanUpRedisAfterAll();

  it('ends on its own once its calls and their cache writes are done', async () => {
    const ending = await runScript(REDIS_URL, `${REDIS_TEST_PREFIX}idle:`);
    expect(ending.killed).toBe(false);
    expect(ending.code).toBe(0);
    expect(ending.stdout.trim()).toBe('Hi Hi');
  }, 30_000);
});

describe('a script whose Redis is down', () => {
  it('still ends on its own: a store that cannot connect does not keep reconnecting', async () => {
    // A port that was just free: nothing listens on it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const ending = await runScript(`redis://127.0.0.1:${port}`, 'shallot-test-down:');
    expect(ending.killed).toBe(false);
    expect(ending.code).toBe(0);
    expect(ending.stdout.trim()).toBe('Hi Hi');
  }, 30_000);
});
