// The filtering logs routes, kept here so App.tsx only spreads them in.
import { Route } from 'react-router';
import { LogsPage } from './LogsPage.tsx';

/** Signed-in pages, inside the app frame. */
export function logRoutes() {
  return (
    <>
      <Route path="logs" element={<LogsPage />} />
    </>
  );
}
