// One clock for the whole app so tests can move time (lock-out expiry, session expiry, reminders).
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

export class TestClock implements Clock {
  #at: number;
  constructor(start: Date | string = '2026-09-01T08:00:00Z') {
    this.#at = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  advance(ms: number): void {
    this.#at += ms;
  }
  set(at: Date | string): void {
    this.#at = new Date(at).getTime();
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
