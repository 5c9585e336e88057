// The agreements and consents routes, kept here so App.tsx only spreads them in.
import { Route } from 'react-router';
import { AgreementEditPage } from './AgreementEditPage.tsx';
import { AgreementsPage } from './AgreementsPage.tsx';
import { CampaignPage } from './CampaignPage.tsx';
import { InductionPage } from './InductionPage.tsx';
import { KioskPage } from './KioskPage.tsx';
import { MustNotAppearPage } from './MustNotAppearPage.tsx';
import { MyAgreementsPage } from './MyAgreementsPage.tsx';
import { NewCampaignPage } from './NewCampaignPage.tsx';
import { ParentLinkPage } from './ParentLinkPage.tsx';
import { WithdrawPage } from './WithdrawPage.tsx';

/** Public pages: no sign-in, no app frame, no session call. */
export function publicAgreementRoutes() {
  return (
    <>
      <Route path="/p/:token" element={<ParentLinkPage />} />
      <Route path="/p/withdraw/:token" element={<WithdrawPage />} />
      <Route path="/kiosk/:token" element={<KioskPage />} />
    </>
  );
}

/** Signed-in pages, inside the app frame. */
export function agreementRoutes() {
  return (
    <>
      <Route path="my-agreements" element={<MyAgreementsPage />} />
      <Route path="agreements" element={<AgreementsPage />} />
      <Route path="agreements/campaigns/new" element={<NewCampaignPage />} />
      <Route path="agreements/campaigns/:campaignId" element={<CampaignPage />} />
      <Route path="agreements/:agreementId" element={<AgreementEditPage />} />
      <Route path="consents" element={<MustNotAppearPage />} />
      <Route path="induction" element={<InductionPage />} />
    </>
  );
}
