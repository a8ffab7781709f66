import { rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache } from 'shallot';
import { jsonlLogger } from 'shallot/middleware/jsonl-logger';
import type { Contender, ContenderSetup } from './contender.js';
import { shallotCalls, shallotClient, shallotEmbed } from './shallot-calls.js';

/**
 * shallot with the whole default stack at work: a success callback, the cost layer, an
 * in-memory cache that every call misses (each prompt is new), and a JSON-lines log in the
 * temporary folder. `settle()` is `client.flush()`, timed with the calls; it also checks that
 * the success callback ran once per call.
 */
export function shallotFull(setup: ContenderSetup): Contender {
  const name = 'shallot full';
  const logPath = join(tmpdir(), `shallot-bench-${process.pid}-${Date.now()}.jsonl`);
  const { client, close } = shallotClient(setup, [jsonlLogger({ path: logPath })]);
  const shallot = shallotCalls(client, setup);
  const embed = shallotEmbed(client, setup);
  client.cache = new Cache();
  let started = 0;
  let successes = 0;
  client.successCallback.push(function countSuccess() {
    successes++;
  });
  // A failing sink or callback must fail the run, not print a line and carry on.
  let callbackFailure: Error | undefined;
  client.onCallbackError = (error, info) => {
    callbackFailure ??= new Error(`${name}: ${info.callback} failed on ${info.event}`, {
      cause: error,
    });
  };

  return {
    name,
    plain(prompt) {
      started++;
      return shallot.plain(prompt);
    },
    stream(prompt) {
      started++;
      return shallot.stream(prompt);
    },
    embed(inputs) {
      started++;
      return embed(inputs);
    },
    async settle() {
      if (!(await client.flush({ timeoutMs: 60_000 }))) {
        throw new Error(`${name}: client.flush() did not finish within 60 s`);
      }
      if (callbackFailure) throw callbackFailure;
      if (successes !== started) {
        throw new Error(`${name}: ${started} calls but ${successes} success callbacks`);
      }
    },
    async reset() {
      // Keeps the log from filling the disk over hundreds of thousands of calls.
      await truncate(logPath, 0).catch(ignoreMissing);
    },
    async close() {
      await close();
      await rm(logPath, { force: true });
    },
  };
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
