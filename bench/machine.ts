import { readFileSync } from 'node:fs';
import { arch, cpus, release, totalmem, type } from 'node:os';

/** Where and with what the benchmark ran. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  totalMemoryBytes: number;
  os: string;
  node: string;
  /** The undici inside Node, which `fetch` (and so the openai and ai contenders) uses. */
  nodeBundledUndici: string;
  date: string;
  /** Versions of the packages compared, as installed. */
  packages: Record<string, string>;
}

const PACKAGES = ['undici', 'eventsource-parser', 'openai', 'ai', '@ai-sdk/openai'] as const;

/** Describes this machine, this Node and the installed versions of the contenders. */
export function describeMachine(): MachineInfo {
  const processors = cpus();
  const packages: Record<string, string> = { shallot: versionAt('../package.json') };
  for (const name of PACKAGES) packages[name] = versionAt(`../node_modules/${name}/package.json`);
  return {
    cpu: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    totalMemoryBytes: totalmem(),
    os: `${type()} ${release()} ${arch()}`,
    node: process.version,
    nodeBundledUndici: process.versions.undici ?? 'unknown',
    date: new Date().toISOString(),
    packages,
  };
}

function versionAt(relativePath: string): string {
  const manifest = JSON.parse(readFileSync(new URL(relativePath, import.meta.url), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}
