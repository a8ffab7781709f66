import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { InvalidResponseError } from '../errors/invalid-response-error.js';
import { BodySource } from './body-source.js';

export type { StreamOrigin } from './body-source.js';

/**
 * A server-sent-event body as OpenAI-format chunks: parsed by eventsource-parser (LF, CRLF
 * and CR framing, comments), each event decoded by the provider's decoder as it is parsed.
 */
export class SseSource extends BodySource {
  #atEnd = false;
  readonly #parser = createParser({
    onEvent: (event) => this.#onEvent(event),
    onComment: () => this.completedFraming(),
    onRetry: () => this.completedFraming(),
  });

  protected take(text: string): void {
    this.#parser.feed(text);
  }

  protected takeLast(text: string): void {
    // A last event without its blank line still counts; a cut one is a truncation.
    this.#atEnd = true;
    this.#parser.feed(`${text}\n\n`);
  }

  protected readonly ending = 'its terminal marker';

  #onEvent(event: EventSourceMessage): void {
    if (this.decoder.done) return;
    try {
      this.decodeEvent(event);
    } catch (error) {
      if (this.#atEnd && error instanceof InvalidResponseError && !this.decoder.complete) {
        throw this.truncated();
      }
      throw error;
    }
  }
}
