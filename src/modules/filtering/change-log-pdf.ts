// The change-control log printed for the governors' yearly audit: landscape A4, one row per step.
import { printable, renderTablePdf } from '../concerns/exports/pdf-table.ts';

export type PdfLogRow = { at: Date; changeId: string; step: string; state: string; by: string; what: string; reason: string | null };

const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
const ukDay = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);

export const COLUMNS = [
  { header: 'When (UK time)', weight: 70 },
  { header: 'Change', weight: 56 },
  { header: 'Step', weight: 52 },
  { header: 'By', weight: 90 },
  { header: 'What', weight: 230 },
  { header: 'Why', weight: 200 },
];

export function periodOf(f: { from?: Date | undefined; to?: Date | undefined; q?: string | undefined }): string[] {
  // `to` is exclusive in the API; the printed period names the last day it covers.
  const last = f.to ? new Date(f.to.getTime() - 1) : null;
  const period = f.from && last ? `Period: ${ukDay(f.from)} to ${ukDay(last)}` : f.from ? `Period: from ${ukDay(f.from)}` : last ? `Period: up to ${ukDay(last)}` : 'Period: all dates';
  return f.q ? [period, `Search: "${printable(f.q)}"`] : [period];
}

export function changeLogPdf(rows: PdfLogRow[], meta: { schoolName: string; from?: Date | undefined; to?: Date | undefined; q?: string | undefined; printedAt: Date }): Promise<Buffer> {
  return renderTablePdf({
    title: `Filtering change-control log — ${meta.schoolName}`,
    subtitle: [...periodOf(meta), `${rows.length} ${rows.length === 1 ? 'entry' : 'entries'} · printed ${london.format(meta.printedAt)}`],
    layout: 'landscape',
    columns: COLUMNS,
    rows: rows.map((r) => [london.format(r.at), r.changeId.slice(0, 8), r.step.replace('_', ' '), r.by, r.what, r.reason ?? '']),
    emptyMessage: 'No filtering changes were logged in this period.',
    footer: `Filtering change-control log · ${meta.schoolName}`,
  });
}
