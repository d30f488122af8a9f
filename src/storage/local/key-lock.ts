/**
 * Serialises operations on one key within this process. The local store keeps each object as
 * a data file plus a checksum file. Taking the key's lock around every change keeps the pair
 * consistent for readers in the same process, which is the only process using the folder.
 */
export class KeyLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const current = previous.then(operation, operation);
    const tail = current.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
