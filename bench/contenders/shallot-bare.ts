import type { Contender, ContenderSetup } from './contender.js';
import { shallotCalls, shallotClient, shallotEmbed } from './shallot-calls.js';

/** shallot as a user gets it by default: `createClient()` with its built-in layers and nothing added. */
export function shallotBare(setup: ContenderSetup): Contender {
  const { client, close } = shallotClient(setup);
  return {
    name: 'shallot bare',
    ...shallotCalls(client, setup),
    embed: shallotEmbed(client, setup),
    close,
  };
}
