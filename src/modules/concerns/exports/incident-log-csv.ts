// The incident log as CSV, with the columns schools keep on paper. Opened in a spreadsheet, so any
// cell that a spreadsheet would run as a formula is prefixed with an apostrophe.
import { stringify } from 'csv-stringify/sync';
import type { IncidentLogRow } from './types.ts';

export const INCIDENT_LOG_HEADER = ['Date', 'Time', 'Reference', 'Incident', 'Action taken', 'Action by', 'Reported by'] as const;

/** Cells starting with = + - @ tab or CR are formulas to Excel and LibreOffice: make them text. */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export const incidentLogCells = (r: IncidentLogRow): string[] => [r.date, r.time, r.reference, r.incident, r.actionTaken, r.actionBy, r.reportedBy];

/** UTF-8 with a byte-order mark (so Excel reads accents and dashes) and CRLF line ends (RFC 4180). */
export function incidentLogCsv(rows: IncidentLogRow[]): string {
  return stringify([[...INCIDENT_LOG_HEADER], ...rows.map((r) => incidentLogCells(r).map(neutraliseCell))], {
    bom: true,
    record_delimiter: 'windows',
  });
}
