import { APIUserAbortError, OpenAIError } from './errors.js';

/** The events every event stream has. */
export interface BaseEvents {
  connect: () => void;
  error: (error: OpenAIError) => void;
  abort: (error: APIUserAbortError) => void;
  end: () => void;
}

// biome-ignore lint/suspicious/noExplicitAny: a listener map keyed by event names needs its parameter lists open.
type Listener = (...args: any[]) => void;
/** The arguments an event's listeners take. */
export type ParametersOf<Events, Event extends keyof Events> = Events[Event] extends (
  ...args: infer Args
) => void
  ? Args
  : never;

/**
 * openai-node's `EventStream`: listeners by event (`on`, `once`, `off`, `emitted`), `done()`,
 * and its rule for failures: an `error` or `abort` nobody listens for and no promise awaits is
 * raised as an unhandled rejection, so that it is never lost.
 */
export class EventStream<Events extends BaseEvents> {
  /** Aborts the request: the stream ends with an `abort` event (`APIUserAbortError`). */
  readonly controller = new AbortController();
  readonly #listeners = new Map<keyof Events, Array<{ listener: Listener; once: boolean }>>();
  readonly #end: Promise<void>;
  #resolveEnd: () => void = () => {};
  #rejectEnd: (error: OpenAIError) => void = () => {};
  #ended = false;
  #errored = false;
  #aborted = false;
  #awaited = false;

  constructor() {
    this.#end = new Promise<void>((resolve, reject) => {
      this.#resolveEnd = resolve;
      this.#rejectEnd = reject;
    });
    this.#end.catch(() => {});
  }

  /** True once the stream has ended, however it ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** True when it ended with an error or an abort. */
  get errored(): boolean {
    return this.#errored;
  }

  /** True when it ended with an abort. */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** Cancels the request. */
  abort(): void {
    this.controller.abort();
  }

  /** Adds a listener for an event. */
  on<Event extends keyof Events>(event: Event, listener: Events[Event]): this {
    this.#add(event, listener as Listener, false);
    return this;
  }

  /** Adds a listener for the next time the event happens only. */
  once<Event extends keyof Events>(event: Event, listener: Events[Event]): this {
    this.#add(event, listener as Listener, true);
    return this;
  }

  /** Removes one registration of a listener. */
  off<Event extends keyof Events>(event: Event, listener: Events[Event]): this {
    const listeners = this.#listeners.get(event);
    const at = listeners?.findIndex((entry) => entry.listener === listener) ?? -1;
    if (at >= 0) listeners?.splice(at, 1);
    return this;
  }

  /** The next time the event happens, its first argument; rejects if the stream fails first. */
  emitted<Event extends keyof Events>(event: Event): Promise<ParametersOf<Events, Event>[0]> {
    return new Promise((resolve, reject) => {
      this.#awaited = true;
      if (event !== 'error') this.once('error', reject as Events['error']);
      this.once(event, resolve as Events[Event]);
    });
  }

  /** Resolves when the stream has ended; rejects with its error or abort. */
  async done(): Promise<void> {
    this.#awaited = true;
    await this.#end;
  }

  #add(event: keyof Events, listener: Listener, once: boolean): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) this.#listeners.set(event, [{ listener, once }]);
    else listeners.push({ listener, once });
  }

  /** Runs the stream's work after the caller has registered its listeners, then ends it. */
  protected run(work: () => Promise<void>): void {
    Promise.resolve()
      .then(work)
      .then(
        () => this.#emit('end', []),
        (error: unknown) => this.#fail(error),
      );
  }

  /** True when a listener or a promise will receive a failure. */
  protected get awaited(): boolean {
    return this.#awaited;
  }

  #fail(error: unknown): void {
    this.#errored = true;
    if (error instanceof APIUserAbortError) {
      this.#aborted = true;
      this.#emit('abort', [error]);
      return;
    }
    const failure =
      error instanceof OpenAIError
        ? error
        : new OpenAIError(error instanceof Error ? error.message : String(error), { cause: error });
    this.#emit('error', [failure]);
  }

  /** Calls the event's listeners; an `error` or `abort` then ends the stream. */
  protected emit<Event extends keyof Events>(
    event: Event,
    ...args: ParametersOf<Events, Event>
  ): void {
    this.#emit(event, args);
  }

  #emit(event: keyof Events, args: unknown[]): void {
    if (this.#ended) return;
    if (event === 'end') {
      this.#ended = true;
      this.#resolveEnd();
    }
    const listeners = this.#listeners.get(event);
    if (listeners !== undefined) {
      this.#listeners.set(
        event,
        listeners.filter((entry) => !entry.once),
      );
      for (const { listener } of listeners) listener(...args);
    }
    if (event === 'error' || event === 'abort') {
      const failure = args[0] as OpenAIError;
      // As openai-node: a failure nobody handles surfaces as an unhandled rejection.
      if (!this.#awaited && !listeners?.length) void Promise.reject(failure);
      this.#rejectEnd(failure);
      this.#emit('end', []);
    }
  }
}
