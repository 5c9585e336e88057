import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DAY, HOUR, MINUTE } from '../../platform/clock.ts';
import { buildPerson, buildPupil, buildSchool, buildTrust, buildUser, signIn } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { AUDIENCES, STARTER_TEXTS, tokenHash } from './model.ts';
import { buildParent, publishStarter, schoolWithHead, signedIn, startCampaign } from './testing.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven({ PUBLIC_URL: 'https://haven.example.test' });
});
after(() => h.close());

const refused = async (query: Promise<unknown>) => {
  await assert.rejects(query, /append-only/);
};

test('starters are created once per school as drafts; publishing makes numbered versions that never change', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const first = await h.app.inject({ url: `/api/v1/schools/${school.id}/agreements`, headers: headAuth.headers });
  assert.equal(first.statusCode, 200);
  const list = first.json().agreements as { id: string; audience: string; currentVersion: unknown; draft: { title: string; text: string } | null }[];
  assert.deepEqual(list.map((a) => a.audience), [...AUDIENCES]);
  assert.ok(list.every((a) => a.currentVersion === null && a.draft !== null));
  const staff = list.find((a) => a.audience === 'staff');
  assert.equal(staff?.draft?.text, STARTER_TEXTS.staff.text);
  // A second read creates nothing more.
  await h.app.inject({ url: `/api/v1/schools/${school.id}/agreements`, headers: headAuth.headers });
  const count = await h.db.selectFrom('agreements').select(({ fn }) => fn.countAll<string>().as('n')).where('trust_id', '=', trust.id).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 7);

  const v1 = await publishStarter(h.app, headAuth, school.id, 'staff');
  assert.equal(v1.number, 1);
  const nothing = await h.app.inject({ method: 'POST', url: `/api/v1/agreements/${v1.agreementId}/publish`, headers: headAuth.headers });
  assert.equal(nothing.statusCode, 422, 'no draft left to publish');
  const put = await h.app.inject({ method: 'PUT', url: `/api/v1/agreements/${v1.agreementId}/draft`, headers: headAuth.headers, payload: { title: 'Staff agreement 2027', text: 'Changed text.' } });
  assert.equal(put.statusCode, 204);
  const v2 = await h.app.inject({ method: 'POST', url: `/api/v1/agreements/${v1.agreementId}/publish`, headers: headAuth.headers });
  assert.equal(v2.statusCode, 201);
  assert.equal(v2.json().number, 2);
  const versions = (await h.app.inject({ url: `/api/v1/agreements/${v1.agreementId}/versions`, headers: headAuth.headers })).json().versions;
  assert.deepEqual(
    versions.map((v: { number: number; title: string; text: string }) => [v.number, v.title, v.text]),
    [
      [2, 'Staff agreement 2027', 'Changed text.'],
      [1, STARTER_TEXTS.staff.title, STARTER_TEXTS.staff.text],
    ],
  );
  // The database itself refuses to change or remove a published version.
  await refused(h.db.updateTable('agreement_versions').set({ text: 'tampered' }).where('id', '=', v1.versionId).execute());
  await refused(h.db.deleteFrom('agreement_versions').where('id', '=', v1.versionId).execute());
  await refused(sql`TRUNCATE agreement_versions CASCADE`.execute(h.db));
  const audit = await h.db.selectFrom('audit_events').select('action').where('trust_id', '=', trust.id).where('action', 'like', 'agreements.%').orderBy('seq').execute();
  assert.deepEqual(audit.map((a) => a.action), ['agreements.starters_created', 'agreements.published', 'agreements.draft_saved', 'agreements.published']);
});

test('only managers publish; another trust sees nothing', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const { agreementId } = await publishStarter(h.app, headAuth, school.id, 'parent');
  const teacher = await buildUser(h.db, trust.id, school.id, ['teacher']);
  const teacherAuth = await signIn(h.app, teacher.email);
  const res = await h.app.inject({ method: 'PUT', url: `/api/v1/agreements/${agreementId}/draft`, headers: teacherAuth.headers, payload: { title: 'x', text: 'y' } });
  assert.equal(res.statusCode, 403);
  const otherTrust = await buildTrust(h.db);
  const otherSchool = await buildSchool(h.db, otherTrust.id);
  const outsiderAuth = (await signedIn(h, otherTrust.id, otherSchool.id, ['headteacher'])).auth;
  assert.equal((await h.app.inject({ url: `/api/v1/agreements/${agreementId}/versions`, headers: outsiderAuth.headers })).statusCode, 404);
  assert.equal((await h.app.inject({ url: `/api/v1/schools/${school.id}/agreements`, headers: outsiderAuth.headers })).statusCode, 404);
});

/** The link sent to a parent, read from the outbox (no SMTP in this file, so the outbox keeps it). */
async function linkFor(email: string): Promise<string[]> {
  const rows = await h.db.selectFrom('mail_outbox').select('text_body').where('to_address', '=', email).orderBy('created_at').execute();
  return rows.map((r) => {
    const token = /https:\/\/haven\.example\.test\/p\/([A-Za-z0-9_-]{43})/.exec(r.text_body)?.[1];
    if (!token) throw new Error('no link in the mail');
    return token;
  });
}

test('parent links: one per child, single-use, expiring, bound to one child; only the hash is stored', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'parent');
  const amy = await buildPupil(h.db, trust.id, school.id, { given_name: 'Amy', family_name: 'Stone', year_group: '4', registration_group: '4B' });
  const ben = await buildPupil(h.db, trust.id, school.id, { given_name: 'Ben', family_name: 'Stone', year_group: '4', registration_group: '4C' });
  await buildPupil(h.db, trust.id, school.id, { year_group: '5', registration_group: '5A' });
  const parent = await buildParent(h.db, trust.id, [amy.id, ben.id]);
  const campaignId = await startCampaign(h.app, headAuth, school.id, { versionId, groups: [{ kind: 'parents', yearGroup: '4' }] });

  const sent = await h.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/send-parent-links`, headers: headAuth.headers });
  assert.equal(sent.statusCode, 200);
  assert.deepEqual(sent.json(), { sent: 2 });
  const tokens = await linkFor(parent.email as string);
  assert.equal(tokens.length, 2);
  const links = await h.db.selectFrom('agreement_parent_links').selectAll().where('trust_id', '=', trust.id).execute();
  assert.deepEqual(new Set(links.map((l) => l.token_hash)), new Set(tokens.map(tokenHash)));
  assert.ok(links.every((l) => l.expires_at.getTime() - l.created_at.getTime() === 14 * DAY));

  // Work out which token is Amy's from what the page shows.
  const views = await Promise.all(tokens.map((t) => h.app.inject({ url: `/api/v1/public/parent-links/${t}` })));
  assert.ok(views.every((v) => v.statusCode === 200));
  const amyIdx = views.findIndex((v) => v.json().pupil.firstName === 'Amy');
  const amyToken = tokens[amyIdx] as string;
  const benToken = tokens[1 - amyIdx] as string;
  const page = views[amyIdx]?.json();
  assert.deepEqual(page.pupil, { firstName: 'Amy' });
  assert.equal(page.school.name, school.name);
  assert.equal(page.version.number, 1);
  assert.equal(page.consents.length, 14);
  assert.ok(!JSON.stringify(page).includes('Ben'), 'the page never shows another child');

  // Trying to steer the link to Ben does nothing: the link is bound to Amy.
  const used = await h.app.inject({
    method: 'POST',
    url: `/api/v1/public/parent-links/${amyToken}`,
    payload: { accept: true, parentName: 'Jo Stone', pupilId: ben.id, consents: { website_photo: false, class_photo_parents: true } },
  });
  assert.equal(used.statusCode, 201);
  const acceptances = await h.db.selectFrom('agreement_acceptances').selectAll().where('trust_id', '=', trust.id).execute();
  assert.equal(acceptances.length, 1);
  assert.equal(acceptances[0]?.person_id, amy.id);
  assert.equal(acceptances[0]?.parent_id, parent.id);
  assert.equal(acceptances[0]?.method, 'parent_link');
  assert.equal(acceptances[0]?.signed_name, 'Jo Stone');
  const consents = await h.db.selectFrom('consent_records').select(['pupil_id', 'purpose', 'value']).where('trust_id', '=', trust.id).orderBy('purpose').execute();
  assert.deepEqual(consents, [
    { pupil_id: amy.id, purpose: 'class_photo_parents', value: true },
    { pupil_id: amy.id, purpose: 'website_photo', value: false },
  ]);

  // Replay: 410, on both the page and the form; an unknown or malformed token: 404.
  const replay = await h.app.inject({ method: 'POST', url: `/api/v1/public/parent-links/${amyToken}`, payload: { accept: true, parentName: 'Jo Stone' } });
  assert.equal(replay.statusCode, 410);
  assert.equal((await h.app.inject({ url: `/api/v1/public/parent-links/${amyToken}` })).statusCode, 410);
  assert.equal((await h.app.inject({ url: `/api/v1/public/parent-links/${'A'.repeat(43)}` })).statusCode, 404);
  assert.equal((await h.app.inject({ url: '/api/v1/public/parent-links/short' })).statusCode, 404);
  assert.equal((await h.db.selectFrom('agreement_acceptances').select('id').where('trust_id', '=', trust.id).execute()).length, 1);

  const detail = (await h.app.inject({ url: `/api/v1/campaigns/${campaignId}`, headers: headAuth.headers })).json();
  assert.deepEqual(detail.progress, { required: 2, accepted: 1, withdrawn: 0 });
  assert.deepEqual(detail.outstanding.map((o: { personId: string }) => o.personId), [ben.id]);
  assert.equal(detail.accepted[0].method, 'parent_link');
  assert.deepEqual(
    detail.classes.map((c: { registrationGroup: string; accepted: number }) => [c.registrationGroup, c.accepted]),
    [
      ['4B', 1],
      ['4C', 0],
    ],
  );

  // Ben's link expires after 14 days.
  h.clock.advance(14 * DAY + MINUTE);
  const late = await h.app.inject({ method: 'POST', url: `/api/v1/public/parent-links/${benToken}`, payload: { accept: true, parentName: 'Jo Stone' } });
  assert.equal(late.statusCode, 410);
  h.clock.advance(-(14 * DAY + MINUTE));

  const events = await h.db.selectFrom('audit_events').select(['action', 'actor_label']).where('trust_id', '=', trust.id).where('action', '=', 'agreements.accepted').execute();
  assert.deepEqual(events, [{ action: 'agreements.accepted', actor_label: 'Jo Stone (parent, by emailed link)' }]);
});

test('kiosk: lists only its class; a pupil of another class cannot accept through it; it closes after 2 hours', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'pupil_upper');
  const a = await buildPupil(h.db, trust.id, school.id, { given_name: 'Cara', family_name: 'Lee', year_group: '5', registration_group: '5A' });
  const b = await buildPupil(h.db, trust.id, school.id, { given_name: 'Dev', family_name: 'Patel', year_group: '5', registration_group: '5A' });
  const other = await buildPupil(h.db, trust.id, school.id, { given_name: 'Eve', family_name: 'Moss', year_group: '5', registration_group: '5B' });
  const campaignId = await startCampaign(h.app, headAuth, school.id, { versionId, groups: [{ kind: 'year', yearGroup: '5' }] });
  const teacher = await buildUser(h.db, trust.id, school.id, ['teacher']);
  const teacherAuth = await signIn(h.app, teacher.email);

  const opened = await h.app.inject({ method: 'POST', url: `/api/v1/schools/${school.id}/kiosks`, headers: teacherAuth.headers, payload: { campaignId, registrationGroup: '5A' } });
  assert.equal(opened.statusCode, 201);
  const { kioskToken, expiresAt } = opened.json();
  assert.equal(expiresAt, new Date(h.clock.now().getTime() + 2 * HOUR).toISOString());

  const page = (await h.app.inject({ url: `/api/v1/public/kiosk/${kioskToken}` })).json();
  assert.equal(page.className, '5A');
  assert.deepEqual(
    page.pupils.map((p: { id: string; firstName: string; lastInitial: string; accepted: boolean }) => [p.id, p.firstName, p.lastInitial, p.accepted]).sort(),
    [
      [a.id, 'Cara', 'L', false],
      [b.id, 'Dev', 'P', false],
    ].sort(),
  );

  const wrongClass = await h.app.inject({ method: 'POST', url: `/api/v1/public/kiosk/${kioskToken}/accept`, payload: { pupilId: other.id } });
  assert.equal(wrongClass.statusCode, 404);
  const ok = await h.app.inject({ method: 'POST', url: `/api/v1/public/kiosk/${kioskToken}/accept`, payload: { pupilId: a.id } });
  assert.equal(ok.statusCode, 201);
  const again = await h.app.inject({ method: 'POST', url: `/api/v1/public/kiosk/${kioskToken}/accept`, payload: { pupilId: a.id } });
  assert.equal(again.statusCode, 409);
  const rows = await h.db.selectFrom('agreement_acceptances').select(['person_id', 'method']).where('trust_id', '=', trust.id).execute();
  assert.deepEqual(rows, [{ person_id: a.id, method: 'kiosk' }]);

  h.clock.advance(2 * HOUR);
  assert.equal((await h.app.inject({ url: `/api/v1/public/kiosk/${kioskToken}` })).statusCode, 410);
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/public/kiosk/${kioskToken}/accept`, payload: { pupilId: b.id } })).statusCode, 410);

  // The teacher records the other class after the lesson; a pupil of 5A cannot be slipped in.
  const stray = await h.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/record-class`, headers: teacherAuth.headers, payload: { registrationGroup: '5B', discussedOn: '2026-09-01', pupilIds: [b.id] } });
  assert.equal(stray.statusCode, 422);
  const recorded = await h.app.inject({ method: 'POST', url: `/api/v1/campaigns/${campaignId}/record-class`, headers: teacherAuth.headers, payload: { registrationGroup: '5B', discussedOn: '2026-09-01' } });
  assert.equal(recorded.statusCode, 201);
  assert.deepEqual(recorded.json(), { recorded: 1 });
  const detail = (await h.app.inject({ url: `/api/v1/campaigns/${campaignId}`, headers: teacherAuth.headers })).json();
  assert.deepEqual(detail.progress, { required: 3, accepted: 2, withdrawn: 0 });
  assert.deepEqual(detail.outstanding.map((o: { personId: string }) => o.personId), [b.id]);
});

test('campaign membership is computed: a new starter is enrolled, a leaver drops out; staff accept in the app after scrolling', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'staff');
  const campaignId = await startCampaign(h.app, headAuth, school.id, { versionId, groups: [{ kind: 'staff' }] });
  const before = (await h.app.inject({ url: `/api/v1/campaigns/${campaignId}`, headers: headAuth.headers })).json();
  assert.equal(before.progress.required, 1, 'the headteacher alone');

  h.clock.advance(MINUTE);
  const starter = await buildUser(h.db, trust.id, school.id, ['teacher']);
  const leaver = await buildPerson(h.db, trust.id, { school_id: school.id, kind: 'volunteer' });
  const withNew = (await h.app.inject({ url: `/api/v1/campaigns/${campaignId}`, headers: headAuth.headers })).json();
  assert.deepEqual(new Set(withNew.outstanding.map((o: { personId: string }) => o.personId)), new Set([before.outstanding[0].personId, starter.personId, leaver.id]));
  await h.db.updateTable('people').set({ status: 'leaver' }).where('id', '=', leaver.id).execute();
  assert.equal((await h.app.inject({ url: `/api/v1/campaigns/${campaignId}`, headers: headAuth.headers })).json().progress.required, 2);
  assert.equal(await h.db.selectFrom('agreement_campaigns').select('groups').where('id', '=', campaignId).executeTakeFirstOrThrow().then((r) => JSON.stringify(r.groups)), '[{"kind":"staff"}]');

  const starterAuth = await signIn(h.app, starter.email);
  const mine = (await h.app.inject({ url: '/api/v1/my-agreements', headers: starterAuth.headers })).json();
  assert.deepEqual(mine.outstanding.map((o: { campaignId: string; versionId: string }) => [o.campaignId, o.versionId]), [[campaignId, versionId]]);
  const unscrolled = await h.app.inject({ method: 'POST', url: `/api/v1/my-agreements/${versionId}/accept`, headers: starterAuth.headers, payload: { scrolledToEnd: false } });
  assert.equal(unscrolled.statusCode, 422);
  const accepted = await h.app.inject({ method: 'POST', url: `/api/v1/my-agreements/${versionId}/accept`, headers: starterAuth.headers, payload: { scrolledToEnd: true } });
  assert.equal(accepted.statusCode, 201);
  const twice = await h.app.inject({ method: 'POST', url: `/api/v1/my-agreements/${versionId}/accept`, headers: starterAuth.headers, payload: { scrolledToEnd: true } });
  assert.equal(twice.statusCode, 409);
  const after = (await h.app.inject({ url: '/api/v1/my-agreements', headers: starterAuth.headers })).json();
  assert.equal(after.outstanding.length, 0);
  assert.equal(after.accepted[0].text, STARTER_TEXTS.staff.text, 'the acceptance shows what was agreed to');
  assert.equal(after.accepted[0].method, 'in_app');
});

test('withdrawal is a new record: the acceptance stays, progress counts it as withdrawn, nothing can be rewritten', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'staff');
  const campaignId = await startCampaign(h.app, headAuth, school.id, { versionId, groups: [{ kind: 'staff' }] });
  const accepted = await h.app.inject({ method: 'POST', url: `/api/v1/my-agreements/${versionId}/accept`, headers: headAuth.headers, payload: { scrolledToEnd: true } });
  const { acceptanceId } = accepted.json();
  const original = await h.db.selectFrom('agreement_acceptances').selectAll().where('id', '=', acceptanceId).executeTakeFirstOrThrow();

  h.clock.advance(HOUR);
  const w = await h.app.inject({ method: 'POST', url: `/api/v1/acceptances/${acceptanceId}/withdraw`, headers: headAuth.headers, payload: { reason: 'Asked to withdraw by letter of 3 September.' } });
  assert.equal(w.statusCode, 201);
  assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/acceptances/${acceptanceId}/withdraw`, headers: headAuth.headers, payload: { reason: 'again' } })).statusCode, 409);
  assert.deepEqual(await h.db.selectFrom('agreement_acceptances').selectAll().where('id', '=', acceptanceId).executeTakeFirstOrThrow(), original);
  const detail = (await h.app.inject({ url: `/api/v1/campaigns/${campaignId}`, headers: headAuth.headers })).json();
  assert.deepEqual(detail.progress, { required: 1, accepted: 0, withdrawn: 1 });
  assert.equal(detail.withdrawn[0].reason, 'Asked to withdraw by letter of 3 September.');
  assert.equal(detail.withdrawn[0].at, h.clock.now().toISOString());

  await refused(h.db.updateTable('agreement_acceptances').set({ method: 'paper' }).where('id', '=', acceptanceId).execute());
  await refused(h.db.deleteFrom('agreement_acceptances').where('id', '=', acceptanceId).execute());
  await refused(h.db.updateTable('agreement_withdrawals').set({ reason: 'changed' }).where('acceptance_id', '=', acceptanceId).execute());
  await refused(h.db.deleteFrom('agreement_withdrawals').where('acceptance_id', '=', acceptanceId).execute());

  // Accepting again later is a further record; the history keeps all three.
  const re = await h.app.inject({ method: 'POST', url: `/api/v1/my-agreements/${versionId}/accept`, headers: headAuth.headers, payload: { scrolledToEnd: true } });
  assert.equal(re.statusCode, 201);
  const mine = (await h.app.inject({ url: '/api/v1/my-agreements', headers: headAuth.headers })).json();
  assert.equal(mine.accepted.length, 2);
  assert.equal(mine.accepted.filter((a: { withdrawnAt: string | null }) => a.withdrawnAt).length, 1);
  const audit = await h.db.selectFrom('audit_events').select('action').where('trust_id', '=', trust.id).where('action', '=', 'agreements.withdrawn').execute();
  assert.equal(audit.length, 1);
});

test('a campaign refuses groups that do not fit the audience and versions of another school', async () => {
  const { trust, school, headAuth } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'staff');
  const bad = await h.app.inject({ method: 'POST', url: `/api/v1/schools/${school.id}/campaigns`, headers: headAuth.headers, payload: { versionId, title: 'x', dueOn: '2026-09-30', groups: [{ kind: 'class', registrationGroup: '4B' }] } });
  assert.equal(bad.statusCode, 422);
  const other = await buildSchool(h.db, trust.id);
  const elsewhere = await h.app.inject({ method: 'POST', url: `/api/v1/schools/${other.id}/campaigns`, headers: headAuth.headers, payload: { versionId, title: 'x', dueOn: '2026-09-30', groups: [{ kind: 'staff' }] } });
  assert.equal(elsewhere.statusCode, 403);
  const past = await h.app.inject({ method: 'POST', url: `/api/v1/schools/${school.id}/campaigns`, headers: headAuth.headers, payload: { versionId, title: 'x', dueOn: '2026-08-01', groups: [{ kind: 'staff' }] } });
  assert.equal(past.statusCode, 422);
  const badDate = await h.app.inject({ method: 'POST', url: `/api/v1/schools/${school.id}/campaigns`, headers: headAuth.headers, payload: { versionId, title: 'x', dueOn: '30/09/2026', groups: [{ kind: 'staff' }] } });
  assert.equal(badDate.statusCode, 400);
});
