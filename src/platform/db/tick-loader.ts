// Point lookups that every request makes (the session behind a cookie, a school by id) gathered over
// one turn of the event loop and read by one query. Nothing is cached: each request's lookup is sent
// after the request arrived, so it sees every change committed before it, as a query of its own would;
// under load, one statement serves the requests that came in together.

type Waiter<V> = { resolve: (v: V | undefined) => void; reject: (e: unknown) => void };

export class TickLoader<K, V> {
  readonly #load: (keys: K[]) => Promise<Map<K, V>>;
  #pending: Map<K, Waiter<V>[]> | null = null;

  /** `load` reads the values of some keys in one query; a key it leaves out has no value. */
  constructor(load: (keys: K[]) => Promise<Map<K, V>>) {
    this.#load = load;
  }

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      if (!this.#pending) {
        this.#pending = new Map();
        setImmediate(() => void this.#flush());
      }
      const waiters = this.#pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.#pending.set(key, [{ resolve, reject }]);
    });
  }

  async #flush() {
    const pending = this.#pending;
    this.#pending = null;
    if (!pending) return;
    try {
      const found = await this.#load([...pending.keys()]);
      for (const [key, waiters] of pending) for (const w of waiters) w.resolve(found.get(key));
    } catch (error) {
      for (const waiters of pending.values()) for (const w of waiters) w.reject(error);
    }
  }
}

/** One loader per database handle (tests run several Havens in one process). */
export function loaderPer<D extends object, K, V>(load: (db: D, keys: K[]) => Promise<Map<K, V>>): (db: D) => TickLoader<K, V> {
  const loaders = new WeakMap<D, TickLoader<K, V>>();
  return (db) => {
    let loader = loaders.get(db);
    if (!loader) loaders.set(db, (loader = new TickLoader((keys) => load(db, keys))));
    return loader;
  };
}
