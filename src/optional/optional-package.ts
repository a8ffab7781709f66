import { createRequire } from 'node:module';
import { ValidationError } from '../errors/validation-error.js';

/**
 * A package that one layer needs and a default install of shallot leaves out (an optional
 * peer dependency): `pg` for postgresLogger, `ioredis` for the Redis cache,
 * `@opentelemetry/api` for otelLogger.
 */
export interface OptionalPackage {
  /** The package, as `npm install` takes it. */
  readonly name: string;
  /** What needs it, as the caller wrote it (`postgresLogger`); the error's `field`. */
  readonly neededBy: string;
}

// Resolved from shallot's own folder, where npm puts a package the application installed.
const requireHere = createRequire(import.meta.url);

/** True when `name` can be loaded from where shallot is installed. */
export function isInstalled(name: string): boolean {
  try {
    requireHere.resolve(name);
    return true;
  } catch (error) {
    // ERR_PACKAGE_PATH_NOT_EXPORTED and the like: the package is there, for import only.
    return !isNotFound(error, name);
  }
}

/**
 * Throws unless the package is installed: a layer calls it when it is created, so that a
 * missing package is found at construction rather than on the first call.
 *
 * @throws ValidationError naming the package and the command that installs it
 */
export function assertInstalled(optional: OptionalPackage): void {
  if (!isInstalled(optional.name)) throw missingPackageError(optional);
}

/**
 * The package, loaded synchronously (with `require`, as Node loads it for `import` when it
 * has one build for both).
 *
 * @throws ValidationError naming the package and the command that installs it
 */
export function requireOptional<T>(optional: OptionalPackage): T {
  try {
    return requireHere(optional.name) as T;
  } catch (error) {
    if (isNotFound(error, optional.name)) throw missingPackageError(optional);
    throw error;
  }
}

/**
 * The package, from `load` (an `import()` of it, written where its types are wanted).
 *
 * @throws ValidationError naming the package and the command that installs it
 * @example
 * const { Pool } = await importOptional(PG, () => import('pg'));
 */
export async function importOptional<T>(
  optional: OptionalPackage,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isNotFound(error, optional.name)) throw missingPackageError(optional);
    throw error;
  }
}

/** The error a layer gives when its package is not installed. */
export function missingPackageError({ name, neededBy }: OptionalPackage): ValidationError {
  return new ValidationError([
    {
      field: neededBy,
      message: `${neededBy} needs the package "${name}", which is not installed: run \`npm install ${name}\` (a default install of shallot leaves it out, as an optional peer dependency).`,
    },
  ]);
}

/** Node's "cannot find" error for this package itself, not for a file or package it needs. */
function isNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  const message = error instanceof Error ? error.message : '';
  return message.includes(`'${name}'`) || message.includes(`'${name}/`);
}
