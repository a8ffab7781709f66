import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Runs an example as a user would (`npx tsx examples/<name>.ts`), with no API key in the
 * environment, and returns what it printed. Fails when it printed anything on stderr.
 */
export async function runExample(name: string): Promise<string> {
  const { stdout, stderr } = await run(
    process.execPath,
    ['node_modules/tsx/dist/cli.mjs', `examples/${name}.ts`],
    {
      cwd: root,
      env: { ...process.env, OPENAI_API_KEY: '', NO_COLOR: '1' },
    },
  );
  if (stderr !== '') throw new Error(`examples/${name}.ts wrote to stderr:\n${stderr}`);
  return stdout;
}

/** The printed lines, without the empty last one. */
export function lines(output: string): string[] {
  return output.replace(/\n$/, '').split('\n');
}
