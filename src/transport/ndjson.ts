import { BodySource } from './body-source.js';

/**
 * A newline-delimited JSON body (Ollama's native stream) as OpenAI-format chunks: one object
 * per line, a partial last line kept until the next read, empty lines skipped. Each line goes
 * to the decoder as the `data` of an event.
 */
export class NdjsonSource extends BodySource {
  #buffered = '';

  protected take(text: string): void {
    let buffered = this.#buffered + text;
    let newline = buffered.indexOf('\n');
    while (newline >= 0 && !this.decoder.done) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line === '') this.completedFraming();
      else this.decodeEvent({ event: undefined, data: line });
      newline = buffered.indexOf('\n');
    }
    this.#buffered = buffered;
  }

  protected takeLast(text: string): void {
    const last = (this.#buffered + text).trim();
    this.#buffered = '';
    if (last !== '') this.decodeEvent({ event: undefined, data: last });
  }

  protected readonly ending = 'its final line';
}
