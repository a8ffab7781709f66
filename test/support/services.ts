/**
 * What a test that needs a service (Redis, PostgreSQL) does when the service does not answer:
 * on a laptop it is skipped, with one warning per file that says why and how to fix it; under
 * CI (`CI` set) it fails, since a skip would pass unseen.
 */
import { beforeAll, describe, it } from 'vitest';

/** A service the tests need, and where it was looked for. */
export interface ServiceGate {
  /** `describe` for tests that need the service. */
  describeWith(name: string, body: () => void): void;
  /** `it` for a test that needs the service. */
  itWith(name: string, test: () => Promise<unknown>): void;
}

/** True when `CI` is set to anything but empty, `0` or `false`. */
export const UNDER_CI = !['', '0', 'false'].includes((process.env.CI ?? '').toLowerCase());

/**
 * The gate of a service: `up` says whether it answered when the file started; `missing`
 * says where it was not found (`Redis is not reachable at redis://…`); `howTo` how to fix it.
 */
export function serviceGate(
  service: string,
  up: boolean,
  missing: string,
  howTo: string,
  /** False for what CI may be unable to install (a browser): then a skip under CI too, said in a warning. */
  requiredUnderCi = true,
): ServiceGate {
  const failsHere = UNDER_CI && requiredUnderCi;
  let warned = false;
  const warnOfSkip = () => {
    if (warned) return;
    warned = true;
    console.warn(
      `[shallot tests] ${missing}: skipping the tests that need ${service}${requiredUnderCi ? ' (under CI they fail)' : ''}. ${howTo}`,
    );
  };
  const failure = () =>
    new Error(
      `${missing}, and this test needs it. CI is set, so it fails instead of skipping. ${howTo}`,
    );
  return {
    describeWith(name, body) {
      if (up) {
        describe(name, body);
      } else if (!failsHere) {
        warnOfSkip();
        describe.skip(`${name} [skipped: ${missing}]`, body);
      } else {
        describe(name, () => {
          beforeAll(() => {
            throw failure();
          });
          body();
        });
      }
    },
    itWith(name, test) {
      if (up) {
        it(name, test);
      } else if (!failsHere) {
        warnOfSkip();
        it(name, (ctx) => ctx.skip(`${missing}. ${howTo}`));
      } else {
        it(name, () => {
          throw failure();
        });
      }
    },
  };
}
