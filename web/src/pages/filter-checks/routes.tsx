// The filter-check routes, kept here so App.tsx only spreads them in.
import { Route } from 'react-router';
import { CheckPage } from './CheckPage.tsx';
import { ChecksPage } from './ChecksPage.tsx';
import { RecordCheckPage } from './RecordCheckPage.tsx';
import { TasksPage } from './TasksPage.tsx';

export function filterCheckRoutes() {
  return (
    <>
      <Route path="filter-checks" element={<ChecksPage />} />
      <Route path="filter-checks/new" element={<RecordCheckPage />} />
      <Route path="filter-checks/tasks" element={<TasksPage />} />
      <Route path="filter-checks/:checkId" element={<CheckPage />} />
    </>
  );
}
