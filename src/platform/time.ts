// Times are stored in UTC and shown to schools in UK time (Europe/London, with summer time).
const parts = (at: Date) =>
  Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;

/** 2026-09-01 */
export function londonDate(at: Date): string {
  const p = parts(at);
  return `${p.year}-${p.month}-${p.day}`;
}

/** 08:30 */
export function londonTime(at: Date): string {
  const p = parts(at);
  return `${p.hour}:${p.minute}`;
}

/** 01/09/2026 08:30 — as a school writes it. */
export function londonDateTime(at: Date): string {
  const p = parts(at);
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}
