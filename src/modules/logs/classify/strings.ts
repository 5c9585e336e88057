// V8 cuts a substring as a view into its parent string. A parser's fields are views into the decoded
// log text, so one host kept in a cache keeps that whole piece of log alive. What is kept beyond the
// chunk (cache keys, events handed to the rules) is copied out first.

/** The same text in its own memory. For the rare keeps (cache misses), not for every event. */
export function ownString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

export function ownStringOrNull(s: string | null | undefined): string | null {
  return s === null || s === undefined ? null : ownString(s);
}
