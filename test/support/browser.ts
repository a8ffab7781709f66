/**
 * The one way a test reaches a browser: a real headless Chromium (Debian's, or the one
 * `CHROMIUM_PATH` names) driven by playwright-core. Where none is found, the tests that need
 * it are skipped with a message (under CI too: `.ci/run` installs Chromium where apt-get can).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { serviceGate } from './services.js';

/** Where Chromium is looked for, in order. */
const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
].filter((path): path is string => path !== undefined && path !== '');

/** The Chromium the browser tests run, or undefined when there is none. */
export const CHROMIUM_PATH = CANDIDATES.find((path) => existsSync(path));

const gate = serviceGate(
  'Chromium',
  CHROMIUM_PATH !== undefined,
  `No Chromium found (looked at ${CANDIDATES.join(', ')})`,
  'Install it (apt-get install chromium), or set CHROMIUM_PATH to its executable.',
  // .ci/run installs it with apt-get; where that cannot work, the browser tests skip, and say so.
  false,
);

/**
 * A `describe` whose tests need a browser: they run when Chromium is found, and are skipped
 * with a warning when it is not.
 */
export const describeWithBrowser = gate.describeWith;

/** An `it` that needs a browser. */
export const itWithBrowser = gate.itWith;

/**
 * Starts headless Chromium. `--no-sandbox` because test machines and containers often run as
 * root, where Chromium's sandbox refuses to start. Close it after the file's tests.
 *
 * @example
 * let browser: Browser;
 * beforeAll(async () => { browser = await launchBrowser(); });
 * afterAll(() => browser.close());
 */
export async function launchBrowser(): Promise<Browser> {
  if (CHROMIUM_PATH === undefined) {
    throw new Error(`No Chromium found (looked at ${CANDIDATES.join(', ')}); set CHROMIUM_PATH.`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

/**
 * Where a test saves its screenshot `name` (`dashboard.png`): `docs/images/`, whose images the
 * README shows, when `UPDATE_SCREENSHOTS` is set (`UPDATE_SCREENSHOTS=1 npx vitest run
 * test/gateway/dashboard.test.ts test/gateway/report.test.ts`); else a temporary folder, so that
 * a test run leaves the working tree as it was. The folder exists.
 */
export function screenshotPath(name: string): string {
  const folder = process.env.UPDATE_SCREENSHOTS
    ? fileURLToPath(new URL('../../docs/images/', import.meta.url))
    : join(tmpdir(), 'shallot-screenshots');
  mkdirSync(folder, { recursive: true });
  return join(folder, name);
}
