// A node-postgres client that runs each parameterised query as a named prepared statement on its
// connection. Kysely sends the same SQL text for the same query shape every time, so after the first
// use the server skips parsing and, once its plan cache settles on a generic plan, planning too —
// for Haven's hot paths (the session lookup, the concern write) planning cost more than executing.
// A connection prepares at most MAX_PER_CONNECTION statements; texts past that (rare shapes, such as
// IN-lists of unusual length) run unnamed as before, so the server's memory per connection stays bounded.
import { createHash } from 'node:crypto';
import pg from 'pg';

export const MAX_PER_CONNECTION = 300;
/** Statements longer than this are one-offs (bulk inserts with inlined values), not worth keeping. */
const MAX_TEXT = 16_000;

const names = new Map<string, string>();
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `h_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (names.size > 5_000) names.clear(); // a cache of hashes, not of anything the server holds
    names.set(text, name);
  }
  return name;
}

export class PreparingClient extends pg.Client {
  #prepared = new Set<string>();

  // biome-ignore lint/suspicious/noExplicitAny: node-postgres's query() is heavily overloaded.
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && config.length <= MAX_TEXT) {
      const name = nameOf(config);
      if (this.#prepared.has(name) || this.#prepared.size < MAX_PER_CONNECTION) {
        this.#prepared.add(name);
        return super.query({ text: config, values, name }, callback);
      }
    }
    return super.query(config, values, callback);
  }
}
