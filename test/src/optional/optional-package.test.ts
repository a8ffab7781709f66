import { ValidationError } from 'shallot';
import { describe, expect, it } from 'vitest';
import {
  assertInstalled,
  importOptional,
  isInstalled,
  missingPackageError,
  type OptionalPackage,
  requireOptional,
} from '../../../src/optional/optional-package.js';

/** A package that no registry has: never installed. */
const ABSENT: OptionalPackage = { name: 'shallot-test-absent-package', neededBy: 'testLayer' };
const INSTALL_HINT =
  'testLayer needs the package "shallot-test-absent-package", which is not installed: run `npm install shallot-test-absent-package` (a default install of shallot leaves it out, as an optional peer dependency).';

/** What `make` threw; fails the test when it threw nothing. */
function thrownBy(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, and nothing was thrown');
}

describe('optional packages', () => {
  it('tells an installed package from a missing one', () => {
    expect(isInstalled('zod')).toBe(true);
    expect(isInstalled('@opentelemetry/api')).toBe(true);
    expect(isInstalled(ABSENT.name)).toBe(false);
  });

  it('fails a check for a missing package with a ValidationError naming it, the layer and the command', () => {
    expect(() => assertInstalled({ name: 'zod', neededBy: 'testLayer' })).not.toThrow();
    const error = thrownBy(() => assertInstalled(ABSENT));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'validation', field: 'testLayer', message: INSTALL_HINT });
    expect(error).toMatchObject({ retryable: false });
    expect(missingPackageError(ABSENT).message).toBe(INSTALL_HINT);
  });

  it('loads an installed package synchronously, and fails a missing one with the same error', () => {
    const zod = requireOptional<{ z: { string: unknown } }>({ name: 'zod', neededBy: 'testLayer' });
    expect(typeof zod.z.string).toBe('function');
    const error = thrownBy(() => requireOptional(ABSENT));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(INSTALL_HINT);
  });

  it('turns a failed import of the package itself into the same error, never ERR_MODULE_NOT_FOUND', async () => {
    const error = await importOptional(ABSENT, () => import(ABSENT.name)).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(INSTALL_HINT);
    await expect(
      importOptional({ name: 'zod', neededBy: 'testLayer' }, () => import('zod')),
    ).resolves.toHaveProperty('z');
  });

  it('lets other failures through: a package it needs that is missing, or an error of its own', async () => {
    // An installed package whose own dependency is missing: the message names that one.
    const nested = Object.assign(new Error("Cannot find package 'pg-types' imported from pg"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      importOptional({ name: 'pg', neededBy: 'postgresLogger' }, () => Promise.reject(nested)),
    ).rejects.toBe(nested);
    const broken = new SyntaxError('Unexpected token');
    await expect(importOptional(ABSENT, () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
