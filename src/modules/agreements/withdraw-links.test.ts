import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DAY, MINUTE } from '../../platform/clock.ts';
import { buildPupil } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { tokenHash } from './model.ts';
import { buildParent, publishStarter, schoolWithHead, startCampaign } from './testing.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

async function mails(email: string) {
  return h.db.selectFrom('mail_outbox').select(['subject', 'text_body']).where('to_address', '=', email).orderBy('created_at').orderBy('id').execute();
}
const linkIn = (text: string) => /\/p\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
const withdrawIn = (text: string) => /\/p\/withdraw\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];

async function setup() {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'parent');
  const amy = await buildPupil(h.db, trust.id, school.id, { given_name: 'Amy', family_name: 'Stone', year_group: '4' });
  const ben = await buildPupil(h.db, trust.id, school.id, { given_name: 'Ben', family_name: 'Stone', year_group: '4' });
  const parent = await buildParent(h.db, trust.id, [amy.id, ben.id]);
  const campaignId = await startCampaign(h.app, headAuth, school.id, { versionId, groups: [{ kind: 'parents', yearGroup: '4' }] });
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/send-parent-links`, headers: headAuth.headers })).statusCode, 200);
  const sent = await mails(parent.email as string);
  assert.equal(sent.length, 2);
  const links = await Promise.all(
    sent.map(async (m) => {
      const token = linkIn(m.text_body) as string;
      const view = (await h.app.inject({ url: `/api/v1/public/parent-links/${token}` })).json();
      return { first: view.pupil.firstName as string, token, withdraw: withdrawIn(m.text_body) as string };
    }),
  );
  const forAmy = links.find((l) => l.first === 'Amy');
  const forBen = links.find((l) => l.first === 'Ben');
  assert.ok(forAmy && forBen && forAmy.withdraw && forBen.withdraw, 'each link email carries a withdrawal link');
  return { trust, school, headAuth, amy, ben, parent, campaignId, forAmy, forBen };
}

test('a parent withdraws with the link from the confirmation: a new record with reason and date; the acceptance stays; photo consents set to no; single-use', async () => {
  const { trust, headAuth, amy, ben, parent, campaignId, forAmy, forBen } = await setup();
  const accepted = await h.app.inject({
    method: 'POST',
    url: `/api/v1/public/parent-links/${forAmy.token}`,
    payload: { accept: true, parentName: 'Jo Stone', consents: { website_photo: true, newsletter_photo: true, press_photo: true } },
  });
  assert.equal(accepted.statusCode, 201, accepted.body);
  const { withdrawUrl } = accepted.json();
  const token = withdrawIn(withdrawUrl) as string;
  assert.ok(token, 'the confirmation carries a withdrawal link');
  // Ben accepts too, so we can show Amy's link does not touch him.
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/public/parent-links/${forBen.token}`, payload: { accept: true, parentName: 'Jo Stone', consents: { website_photo: true } } })).statusCode, 201);

  // The confirmation email carries the same link; the stored row is long-lived and bound to Amy's acceptance.
  const confirmation = (await mails(parent.email as string)).find((m) => m.subject.includes('acceptance is recorded') && m.text_body.includes(token));
  assert.ok(confirmation, 'confirmation email with the withdrawal link');
  const row = await h.db.selectFrom('agreement_withdraw_links').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirstOrThrow();
  const amyAcceptance = await h.db.selectFrom('agreement_acceptances').selectAll().where('trust_id', '=', trust.id).where('person_id', '=', amy.id).executeTakeFirstOrThrow();
  assert.equal(row.acceptance_id, amyAcceptance.id);
  assert.equal(row.pupil_id, amy.id);
  assert.equal(row.expires_at.getTime() - row.created_at.getTime(), 365 * DAY);

  // Months later.
  h.clock.advance(120 * DAY);
  const page = await h.app.inject({ url: `/api/v1/public/withdraw/${token}` });
  assert.equal(page.statusCode, 200);
  const view = page.json();
  assert.deepEqual(view.pupil, { firstName: 'Amy' });
  assert.equal(view.agreement.withdrawnOn, null);
  assert.equal(view.consents.find((c: { purpose: string }) => c.purpose === 'website_photo').current, true);
  assert.ok(!JSON.stringify(view).includes('Ben'));

  const noReason = await h.app.inject({ method: 'POST', url: `/api/v1/public/withdraw/${token}`, payload: { parentName: 'Jo Stone', reason: ' ', withdrawAgreement: true } });
  assert.equal(noReason.statusCode, 400, 'a reason is required');
  const nothing = await h.app.inject({ method: 'POST', url: `/api/v1/public/withdraw/${token}`, payload: { parentName: 'Jo Stone', reason: 'x', withdrawAgreement: false } });
  assert.equal(nothing.statusCode, 422);

  const done = await h.app.inject({
    method: 'POST',
    url: `/api/v1/public/withdraw/${token}`,
    payload: { parentName: 'Jo Stone', reason: 'We have moved Amy to home learning', withdrawAgreement: true, consentsNo: ['website_photo', 'press_photo'], pupilId: ben.id },
  });
  assert.equal(done.statusCode, 201, done.body);
  assert.deepEqual(done.json().consentsWithdrawn, ['website_photo', 'press_photo']);

  const w = await h.db.selectFrom('agreement_withdrawals').selectAll().where('trust_id', '=', trust.id).execute();
  assert.equal(w.length, 1);
  assert.equal(w[0]?.acceptance_id, amyAcceptance.id);
  assert.equal(w[0]?.reason, 'We have moved Amy to home learning');
  assert.equal(w[0]?.withdrawn_at.toISOString(), h.clock.now().toISOString());
  assert.equal(w[0]?.recorded_by, 'Jo Stone (parent, by withdrawal link)');
  // The acceptance itself is unchanged.
  const after = await h.db.selectFrom('agreement_acceptances').selectAll().where('trust_id', '=', trust.id).where('id', '=', amyAcceptance.id).executeTakeFirstOrThrow();
  assert.deepEqual(after, amyAcceptance);

  // Back to term time, so the head's session and later tests see the same clock.
  h.clock.advance(-120 * DAY);
  // Consents: a new "no" record on top of the earlier "yes"; Ben's consent untouched.
  const amyConsents = (await h.app.inject({ url: `/api/v1/people/${amy.id}/consents`, headers: headAuth.headers })).json();
  const web = amyConsents.purposes.find((p: { purpose: string }) => p.purpose === 'website_photo');
  assert.equal(web.current, false);
  assert.deepEqual(
    web.history.map((x: { value: boolean; method: string }) => [x.value, x.method]),
    [
      [false, 'parent_link'],
      [true, 'parent_link'],
    ],
  );
  assert.equal(amyConsents.purposes.find((p: { purpose: string }) => p.purpose === 'newsletter_photo').current, true, 'only the chosen purposes change');
  const benConsents = (await h.app.inject({ url: `/api/v1/people/${ben.id}/consents`, headers: headAuth.headers })).json();
  assert.equal(benConsents.purposes.find((p: { purpose: string }) => p.purpose === 'website_photo').current, true);

  // The campaign shows Amy withdrawn, Ben still accepted: the history keeps the acceptance.
  const detail = (await h.app.inject({ url: `/api/v1/campaigns/${campaignId}`, headers: headAuth.headers })).json();
  assert.deepEqual(detail.progress, { required: 2, accepted: 1, withdrawn: 1 });
  assert.equal(detail.withdrawn[0].personId, amy.id);
  assert.equal(detail.withdrawn[0].reason, 'We have moved Amy to home learning');

  // Single use.
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/public/withdraw/${token}`, payload: { parentName: 'Jo Stone', reason: 'again', withdrawAgreement: false, consentsNo: ['promotional'] } })).statusCode, 410);
  assert.equal((await h.app.inject({ url: `/api/v1/public/withdraw/${token}` })).statusCode, 410);
  assert.equal((await h.app.inject({ url: `/api/v1/public/withdraw/${'A'.repeat(43)}` })).statusCode, 404);

  const events = await h.db.selectFrom('audit_events').select(['action', 'record_id']).where('trust_id', '=', trust.id).where('action', '=', 'agreements.parent_withdrew').execute();
  assert.deepEqual(events, [{ action: 'agreements.parent_withdrew', record_id: amy.id }]);
});

test('the link in the first email: before accepting it can only say no to consents; after accepting it withdraws that acceptance; it expires after a year', async () => {
  const { trust, amy, forAmy, forBen } = await setup();
  const early = await h.app.inject({ method: 'POST', url: `/api/v1/public/withdraw/${forBen.withdraw}`, payload: { parentName: 'Jo Stone', reason: 'Not yet', withdrawAgreement: true } });
  assert.equal(early.statusCode, 422, 'nothing accepted yet');
  assert.equal((await h.app.inject({ url: `/api/v1/public/withdraw/${forBen.withdraw}` })).json().agreement, null);

  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/public/parent-links/${forAmy.token}`, payload: { accept: true, parentName: 'Jo Stone' } })).statusCode, 201);
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/public/withdraw/${forAmy.withdraw}`, payload: { parentName: 'Jo Stone', reason: 'Changed our mind', withdrawAgreement: true } });
  assert.equal(res.statusCode, 201, res.body);
  const w = await h.db
    .selectFrom('agreement_withdrawals as w')
    .innerJoin('agreement_acceptances as a', (j) => j.onRef('a.trust_id', '=', 'w.trust_id').onRef('a.id', '=', 'w.acceptance_id'))
    .select(['a.person_id', 'w.reason'])
    .where('w.trust_id', '=', trust.id)
    .execute();
  assert.deepEqual(w, [{ person_id: amy.id, reason: 'Changed our mind' }]);

  // Ben's first-email link still works for consents, until a year has passed.
  h.clock.advance(365 * DAY + MINUTE);
  assert.equal((await h.app.inject({ url: `/api/v1/public/withdraw/${forBen.withdraw}` })).statusCode, 410);
  h.clock.advance(-(365 * DAY + MINUTE));
});
