import { close, fstat, open, stat, write } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const openFile = promisify(open);
const closeFile = promisify(close);
const writeFile = promisify(write);
const statPath = promisify(stat);
const statFile = promisify(fstat);

/** How often, at most, the path is checked for a rotated or deleted file. */
const RECHECK_MS = 1000;

/**
 * One file appended to through a descriptor kept open between writes: opening and closing
 * the file for every batch cost more than writing it (about 130 µs a batch on the bench
 * machine). The file and its directory are created on demand. At most once a second, a write
 * first checks that the path still names the open file; when the log was rotated (moved) or
 * deleted, the next write opens the path anew, so records never go on into a file nobody reads.
 * A plain descriptor, not a `FileHandle`: one the process forgets to close is closed at exit
 * without a warning.
 */
export class AppendFile {
  readonly #path: string;
  #fd: number | undefined;
  #inode = 0;
  #checkedAt = 0;
  #appending: Promise<void> | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  /** Appends all of `text`, opening the file first when needed. One append at a time. */
  async append(text: string): Promise<void> {
    const appending = this.#append(text);
    this.#appending = appending;
    try {
      await appending;
    } finally {
      if (this.#appending === appending) this.#appending = undefined;
    }
  }

  /**
   * Closes the file once the append under way is done (closing under it could let the write
   * land in whatever file reuses the descriptor); a later `append()` opens it again.
   */
  async close(): Promise<void> {
    await this.#appending?.catch(() => {});
    await this.#closeDescriptor();
  }

  async #append(text: string): Promise<void> {
    const fd = await this.#current();
    const bytes = Buffer.from(text, 'utf8');
    try {
      let offset = 0;
      while (offset < bytes.length) {
        offset += (await writeFile(fd, bytes, offset, bytes.length - offset, null)).bytesWritten;
      }
    } catch (error) {
      // A descriptor that failed once is not trusted again: the next write reopens the path.
      await this.#closeDescriptor().catch(() => {});
      throw error;
    }
  }

  async #closeDescriptor(): Promise<void> {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) await closeFile(fd);
  }

  async #current(): Promise<number> {
    if (this.#fd !== undefined && Date.now() - this.#checkedAt >= RECHECK_MS) {
      this.#checkedAt = Date.now();
      if (!(await this.#stillThere())) await this.#closeDescriptor().catch(() => {});
    }
    if (this.#fd === undefined) {
      const fd = await this.#open();
      this.#fd = fd;
      this.#inode = (await statFile(fd)).ino;
      this.#checkedAt = Date.now();
    }
    return this.#fd;
  }

  async #stillThere(): Promise<boolean> {
    try {
      return (await statPath(this.#path)).ino === this.#inode;
    } catch {
      return false;
    }
  }

  async #open(): Promise<number> {
    try {
      return await openFile(this.#path, 'a');
    } catch (error) {
      // The directory is made on demand, so a log rotated away with its folder comes back.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await mkdir(dirname(this.#path), { recursive: true });
      return await openFile(this.#path, 'a');
    }
  }
}
