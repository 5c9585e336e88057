// The monitoring review routes, kept here so App.tsx only spreads them in.
import { Route } from 'react-router';
import { ReviewPage } from './ReviewPage.tsx';
import { ReviewsPage } from './ReviewsPage.tsx';
import { SchedulePage } from './SchedulePage.tsx';

export function monitoringReviewRoutes() {
  return (
    <>
      <Route path="monitoring-reviews" element={<ReviewsPage />} />
      <Route path="monitoring-reviews/schedule" element={<SchedulePage />} />
      <Route path="monitoring-reviews/:reviewId" element={<ReviewPage />} />
    </>
  );
}
