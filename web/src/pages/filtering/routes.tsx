// The filtering change-control routes, kept here so App.tsx only spreads them in.
import { Route } from 'react-router';
import { ChangeLogPage } from './ChangeLogPage.tsx';
import { ChangePage } from './ChangePage.tsx';
import { ChangesPage } from './ChangesPage.tsx';
import { ReportsPage } from './ReportsPage.tsx';
import { RequestChangePage } from './RequestChangePage.tsx';

/** Signed-in pages, inside the app frame. /filter-changes/:changeId is the address Haven mails. */
export function filteringRoutes() {
  return (
    <>
      <Route path="filter-changes" element={<ChangesPage />} />
      <Route path="filter-changes/new" element={<RequestChangePage />} />
      <Route path="filter-changes/log" element={<ChangeLogPage />} />
      <Route path="filter-changes/:changeId" element={<ChangePage />} />
      <Route path="filter-reports" element={<ReportsPage />} />
    </>
  );
}
