// A pupil's chronology printed for a meeting or a referral: every entry in time order.
import { renderTablePdf } from './pdf-table.ts';
import type { ChronologyEntry } from './types.ts';

const UK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An ISO instant as UK school time: ["DD/MM/YYYY", "HH:MM"]; unreadable values are shown as given. */
export function ukDateTime(iso: string): [string, string] {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return [iso, ''];
  const part = (type: string) => UK.formatToParts(d).find((p) => p.type === type)?.value ?? '';
  return [`${part('day')}/${part('month')}/${part('year')}`, `${part('hour')}:${part('minute')}`];
}

/** 'follow_up' → 'Follow up'. */
const kindLabel = (kind: string) => (kind ? kind[0]!.toUpperCase() + kind.slice(1).replaceAll('_', ' ') : kind);

export function chronologyPdf(meta: { pupilName: string; schoolName: string }, entries: ChronologyEntry[]): Promise<Buffer> {
  const ordered = entries
    .map((e, i) => ({ e, i, t: Date.parse(e.at) }))
    .sort((a, b) => (a.t || 0) - (b.t || 0) || a.i - b.i)
    .map(({ e }) => e);
  return renderTablePdf({
    title: `Chronology — ${meta.pupilName}`,
    subtitle: [meta.schoolName, `${ordered.length} ${ordered.length === 1 ? 'entry' : 'entries'}, oldest first`],
    layout: 'portrait',
    columns: [
      { header: 'Date', weight: 62 },
      { header: 'Time', weight: 34 },
      { header: 'Reference', weight: 60 },
      { header: 'Kind', weight: 60 },
      { header: 'Entry', weight: 300 },
    ],
    rows: ordered.map((e) => [...ukDateTime(e.at), e.reference, kindLabel(e.kind), e.text]),
    emptyMessage: 'There are no entries for this pupil.',
    footer: `Confidential — safeguarding record · ${meta.pupilName} · ${meta.schoolName}`,
  });
}
