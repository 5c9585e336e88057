// Renderers for the concerns exports: pure functions from rows to file contents.
export { chronologyPdf } from './chronology-pdf.ts';
export { INCIDENT_LOG_HEADER, incidentLogCsv, neutraliseCell } from './incident-log-csv.ts';
export { incidentLogPdf } from './incident-log-pdf.ts';
export type { ChronologyEntry, IncidentLogRow } from './types.ts';
