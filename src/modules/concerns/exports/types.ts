// Shapes the concerns module hands to the export renderers: already permission-filtered, already
// formatted for people (dates as the school reads them), so the renderers stay pure.

/** One line of the paper-style incident log. */
export type IncidentLogRow = {
  date: string;
  time: string;
  reference: string;
  incident: string;
  actionTaken: string;
  actionBy: string;
  reportedBy: string;
};

/** One event in a pupil's chronology; `at` is an ISO timestamp. */
export type ChronologyEntry = { at: string; reference: string; kind: string; text: string };
