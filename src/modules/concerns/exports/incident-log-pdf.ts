// The incident log printed as the paper log schools keep: landscape A4, one row per entry.
import { INCIDENT_LOG_HEADER, incidentLogCells } from './incident-log-csv.ts';
import { renderTablePdf } from './pdf-table.ts';
import type { IncidentLogRow } from './types.ts';

// Relative column widths: the free-text columns get the room.
const WEIGHTS = [62, 36, 62, 230, 200, 90, 90];

/** YYYY-MM-DD as the school reads it (DD/MM/YYYY); anything else as given. */
export function ukDate(value: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : value;
}

export function periodLabel(from: string | null, to: string | null): string {
  if (from && to) return `Period: ${ukDate(from)} to ${ukDate(to)}`;
  if (from) return `Period: from ${ukDate(from)}`;
  if (to) return `Period: up to ${ukDate(to)}`;
  return 'Period: all dates';
}

export function incidentLogPdf(rows: IncidentLogRow[], meta: { schoolName: string; from: string | null; to: string | null }): Promise<Buffer> {
  return renderTablePdf({
    title: `Incident log — ${meta.schoolName}`,
    subtitle: [periodLabel(meta.from, meta.to), `${rows.length} ${rows.length === 1 ? 'entry' : 'entries'}`],
    layout: 'landscape',
    columns: INCIDENT_LOG_HEADER.map((header, i) => ({ header, weight: WEIGHTS[i]! })),
    rows: rows.map(incidentLogCells),
    emptyMessage: 'No incidents were logged in this period.',
    footer: `Confidential — safeguarding record · ${meta.schoolName}`,
  });
}
