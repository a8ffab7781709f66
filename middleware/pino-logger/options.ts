import {
  type CallRecord,
  callRecordSchema,
  describeValue,
  ValidationError,
} from '../../src/kit/index.js';
import type { PinoLikeLogger, PinoLoggerOptions } from './index.js';
import { defaultCallLevel, PINO_LEVELS as LEVELS, type PinoLevel } from './level.js';

/** The fields pino writes on every line, which a binding must not shadow. */
const PINO_FIELDS = ['level', 'time', 'msg', 'pid', 'hostname'];
const RECORD_FIELDS = Object.keys(callRecordSchema.shape);

/** The options of a pinoLogger, checked and with their defaults. */
export interface CheckedOptions {
  levelOf: (record: CallRecord) => PinoLevel;
  message: string;
  key: string | undefined;
  bindings: Record<string, unknown> | undefined;
}

/** Checks `pinoLogger(logger, options)` once, in the factory. @throws ValidationError */
export function checkOptions(logger: PinoLikeLogger, options: PinoLoggerOptions): CheckedOptions {
  const candidate = logger as Partial<Record<keyof PinoLikeLogger, unknown>> | null | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    ['info', 'warn', 'error'].some((name) => typeof candidate[name as 'info'] !== 'function')
  ) {
    fail('logger', 'a pino logger (an object with info, warn and error methods)', logger);
  }
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);

  const level = options.level ?? defaultCallLevel;
  if (typeof level === 'string') {
    if (!LEVELS.includes(level)) fail('options.level', `one of ${LEVELS.join(', ')}`, level);
    if (typeof candidate?.[level] !== 'function') {
      fail('options.level', `a level the logger has a ${level}() method for`, level);
    }
  } else if (typeof level !== 'function') {
    fail('options.level', 'a level name or a function of the record', level);
  }

  const message = options.message ?? 'shallot call';
  if (typeof message !== 'string') fail('options.message', 'a string', message);

  const key = options.key;
  if (key !== undefined && (typeof key !== 'string' || key === '' || PINO_FIELDS.includes(key))) {
    fail('options.key', `a non-empty name other than ${PINO_FIELDS.join(', ')}`, key);
  }

  const bindings = options.bindings;
  if (bindings !== undefined) {
    if (typeof bindings !== 'object' || bindings === null || Array.isArray(bindings)) {
      fail('options.bindings', 'an object of fields', bindings);
    }
    if (typeof candidate?.child !== 'function') {
      fail('logger', 'a logger with a child() method, as options.bindings is given', logger);
    }
    // Two fields of one name make a line whose value depends on the JSON parser reading it.
    const taken = key === undefined ? [...PINO_FIELDS, ...RECORD_FIELDS] : [...PINO_FIELDS, key];
    const clash = Object.keys(bindings).find((name) => taken.includes(name));
    if (clash !== undefined) {
      fail(
        'options.bindings',
        `names that no line field already has (${key === undefined ? "the record's fields and pino's" : `"${key}" and pino's`})`,
        `a binding named "${clash}"; rename it${key === undefined ? ', or nest the record with options.key' : ''}`,
        true,
      );
    }
  }

  return {
    levelOf: typeof level === 'string' ? () => level : checkedLevel(level),
    message,
    key,
    bindings,
  };
}

/** A user's level function, with its answer checked on every line. */
function checkedLevel(level: (record: CallRecord) => PinoLevel) {
  return (record: CallRecord): PinoLevel => {
    const chosen = level(record);
    if (!LEVELS.includes(chosen)) {
      throw ValidationError.forField(
        'pinoLogger options.level',
        `expected the function to return one of ${LEVELS.join(', ')}, received ${describeValue(chosen)}.`,
      );
    }
    return chosen;
  };
}

function fail(path: string, expected: string, received: unknown, described = false): never {
  throw ValidationError.forField(
    `pinoLogger ${path}`,
    `expected ${expected}, received ${described ? String(received) : describeValue(received)}.`,
  );
}
