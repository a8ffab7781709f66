import { Agent } from 'undici';

/**
 * A keep-alive undici Agent with the settings of shallot's own shared agent
 * (`src/transport/agent.ts`), so the floor and the shallot contenders pool connections alike.
 * Each contender gets its own.
 */
export function benchAgent(): Agent {
  return new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connect: { timeout: 10_000 },
  });
}
