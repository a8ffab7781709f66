import type { ContenderId } from '../config.js';
import { aiSdk } from './ai-sdk.js';
import type { Contender, ContenderSetup } from './contender.js';
import { openaiSdk } from './openai-sdk.js';
import { shallotBare } from './shallot-bare.js';
import { shallotFloat32 } from './shallot-float32.js';
import { shallotFull } from './shallot-full.js';
import { undiciFloor } from './undici-floor.js';

export type { Contender, ContenderSetup } from './contender.js';
export { shallotFull } from './shallot-full.js';

const FACTORIES: Record<ContenderId, (setup: ContenderSetup) => Contender> = {
  undici: undiciFloor,
  'shallot-bare': shallotBare,
  'shallot-full': shallotFull,
  'shallot-float32': shallotFloat32,
  openai: openaiSdk,
  'ai-sdk': aiSdk,
};

/** The contenders asked for, in `ids` order, which puts the floor first: the ratios are to it. */
export function createContenders(setup: ContenderSetup, ids: readonly ContenderId[]): Contender[] {
  return ids.map((id) => {
    if (!setup.scenario.contenders.includes(id)) {
      throw new Error(`contender ${id} does not run the ${setup.scenario.id} scenario`);
    }
    return FACTORIES[id](setup);
  });
}
