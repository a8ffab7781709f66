import type { Contender, ContenderSetup } from './contender.js';
import { shallotCalls, shallotClient, shallotEmbed } from './shallot-calls.js';

/**
 * shallot bare asking for its vectors as `Float32Array`s (`encodingFormat: 'float32'`): the
 * decoded base64, with no copy into a `number[]`. An extra row of the embeddings workload.
 */
export function shallotFloat32(setup: ContenderSetup): Contender {
  const { client, close } = shallotClient(setup);
  return {
    name: 'shallot float32',
    ...shallotCalls(client, setup),
    embed: shallotEmbed(client, setup, 'float32'),
    close,
  };
}
