// Routes, and the gate that sends people to sign in or to finish their first-login steps.
import { Center, Loader } from '@mantine/core';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { ErrorAlert } from './components/ErrorAlert.tsx';
import { Layout } from './components/Layout.tsx';
import { Page } from './components/Page.tsx';
import { AccountPage } from './pages/AccountPage.tsx';
import { AuditPage } from './pages/AuditPage.tsx';
import { CasePage } from './pages/concerns/CasePage.tsx';
import { ChronologyPage } from './pages/concerns/ChronologyPage.tsx';
import { IncidentLogPage } from './pages/concerns/IncidentLogPage.tsx';
import { MyReportsPage } from './pages/concerns/MyReportsPage.tsx';
import { QueuePage } from './pages/concerns/QueuePage.tsx';
import { ReportConcernPage } from './pages/concerns/ReportConcernPage.tsx';
import { EnrolTwoFactorPage, FirstPassphrasePage } from './pages/FirstSignInPages.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { ImportPage } from './pages/ImportPage.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { OutboxPage } from './pages/OutboxPage.tsx';
import { ForgotPassphrasePage, ResetPassphrasePage } from './pages/PassphraseResetPages.tsx';
import { PeoplePage } from './pages/PeoplePage.tsx';
import { PersonPage } from './pages/PersonPage.tsx';
import { WhoToTellPage } from './pages/WhoToTellPage.tsx';
import { agreementRoutes, publicAgreementRoutes } from './pages/agreements/routes.tsx';
import { annualReviewRoutes } from './pages/annual-review/routes.tsx';
import { filterCheckRoutes } from './pages/filter-checks/routes.tsx';
import { alertRoutes } from './pages/alerts/routes.tsx';
import { filteringRoutes } from './pages/filtering/routes.tsx';
import { logRoutes } from './pages/logs/routes.tsx';
import { monitoringReviewRoutes } from './pages/monitoring-reviews/routes.tsx';
import { useSession } from './session.ts';

function Gate() {
  const session = useSession();
  const location = useLocation();
  if (session.isPending) {
    return (
      <Center h="60vh" component="main" id="main">
        <Loader aria-label="Loading Haven" />
      </Center>
    );
  }
  if (session.error) {
    return (
      <main id="main" style={{ padding: 24 }}>
        <ErrorAlert error={session.error} title="Haven could not load" />
      </main>
    );
  }
  if (!session.data) {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  if (session.data.mustChangePassword) return <FirstPassphrasePage />;
  if (session.data.mustEnrolTwoFactor) return <EnrolTwoFactorPage />;
  return <Layout />;
}

function PublicOnly({ children }: { children: React.ReactElement }) {
  const session = useSession();
  // Someone already signed in who opens /login goes home instead.
  if (session.data && !session.data.mustChangePassword && !session.data.mustEnrolTwoFactor) return <Navigate to="/" replace />;
  return children;
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address. Use the menu to find what you need.</p>
    </Page>
  );
}

export function App() {
  return (
    <Routes>
      <Route
        path="/login"
        element={
          <PublicOnly>
            <LoginPage />
          </PublicOnly>
        }
      />
      <Route path="/forgot-passphrase" element={<ForgotPassphrasePage />} />
      <Route path="/reset-password" element={<ResetPassphrasePage />} />
      {publicAgreementRoutes()}
      <Route element={<Gate />}>
        <Route index element={<HomePage />} />
        <Route path="who-to-tell" element={<WhoToTellPage />} />
        <Route path="people" element={<PeoplePage />} />
        <Route path="people/:personId" element={<PersonPage />} />
        <Route path="people/:personId/chronology" element={<ChronologyPage />} />
        <Route path="concerns" element={<QueuePage />} />
        <Route path="concerns/new" element={<ReportConcernPage />} />
        <Route path="concerns/mine" element={<MyReportsPage />} />
        <Route path="concerns/:concernId" element={<CasePage />} />
        <Route path="incident-log" element={<IncidentLogPage />} />
        <Route path="import" element={<ImportPage />} />
        <Route path="audit" element={<AuditPage />} />
        <Route path="outbox" element={<OutboxPage />} />
        <Route path="account" element={<AccountPage />} />
        {monitoringReviewRoutes()}
        {filteringRoutes()}
        {alertRoutes()}
        {filterCheckRoutes()}
        {annualReviewRoutes()}
        {logRoutes()}
        {agreementRoutes()}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
