// The annual review routes, kept here so App.tsx only spreads them in.
import { Route } from 'react-router';
import { ReviewPage } from './ReviewPage.tsx';
import { ReviewsPage } from './ReviewsPage.tsx';

export function annualReviewRoutes() {
  return (
    <>
      <Route path="annual-reviews" element={<ReviewsPage />} />
      <Route path="annual-reviews/:reviewId" element={<ReviewPage />} />
    </>
  );
}
