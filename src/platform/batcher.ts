// Group commit for hot writes: work for one key (a school) runs as at most `inFlight` batches at a
// time, and whatever arrives meanwhile goes together into the next batch. A quiet server writes each
// item at once (no waiting for company); a busy one pays one statement and one commit for many. With
// two in flight, one batch prepares (reads, builds its rows) while the other holds the database.
// If a batch fails, its items are tried again one by one, so one bad item never fails the others.

type Pending<I, O> = { item: I; resolve: (o: O) => void; reject: (e: unknown) => void };
type Lane<I, O> = { queue: Pending<I, O>[]; running: number };

export type BatcherOptions = { maxBatch?: number; inFlight?: number };

export class KeyedBatcher<I, O> {
  readonly #lanes = new Map<string, Lane<I, O>>();
  readonly #run: (items: I[]) => Promise<O[]>;
  readonly #maxBatch: number;
  readonly #inFlight: number;

  /** `run` must return one result per item, in order, and write all of them or none. */
  constructor(run: (items: I[]) => Promise<O[]>, options: BatcherOptions = {}) {
    this.#run = run;
    this.#maxBatch = options.maxBatch ?? 64;
    this.#inFlight = options.inFlight ?? 1;
  }

  submit(key: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let lane = this.#lanes.get(key);
      if (!lane) this.#lanes.set(key, (lane = { queue: [], running: 0 }));
      lane.queue.push({ item, resolve, reject });
      if (lane.running < this.#inFlight) {
        lane.running++;
        void this.#drain(key, lane);
      }
    });
  }

  async #drain(key: string, lane: Lane<I, O>) {
    while (lane.queue.length > 0) {
      const batch = lane.queue.splice(0, this.#maxBatch);
      try {
        const out = await this.#run(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(out[i] as O));
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        else for (const p of batch) await this.#run([p.item]).then(([o]) => p.resolve(o as O), p.reject);
      }
    }
    lane.running--;
    if (lane.running === 0) this.#lanes.delete(key);
  }
}
