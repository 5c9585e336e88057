// The alerts routes, kept here so App.tsx only spreads them in.
import { Route } from 'react-router';
import { AlertPage } from './AlertPage.tsx';
import { AlertsQueuePage } from './AlertsQueuePage.tsx';

/** Signed-in pages, inside the app frame. */
export function alertRoutes() {
  return (
    <>
      <Route path="alerts" element={<AlertsQueuePage />} />
      <Route path="alerts/:alertId" element={<AlertPage />} />
    </>
  );
}
