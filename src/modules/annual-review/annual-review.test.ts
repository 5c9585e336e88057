import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { DAY } from '../../platform/clock.ts';
import { type Role, TWO_FACTOR_ROLES } from '../../platform/auth/roles.ts';
import { newId } from '../../platform/ids.ts';
import { buildSchool, buildTrust, buildUser, type Signed, signIn, totpNow } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { londonDate } from '../../platform/time.ts';
import { nextDue } from './model.ts';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
type Member = { personId: string; email: string; s: Signed };
type Json = Record<string, any>;

let h: TestHaven;
let w: Awaited<ReturnType<typeof world>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-annual-'));

async function member(trustId: string, schoolId: string | null, roles: Role[]): Promise<Member> {
  const tf = roles.some((r) => TWO_FACTOR_ROLES.includes(r));
  const u = await buildUser(h.db, trustId, schoolId, roles, tf ? { totpSecret: SECRET } : {});
  const s = await signIn(h.app, u.email, tf ? { totp: totpNow(SECRET, h.clock.now()) } : {});
  return { personId: u.personId, email: u.email, s };
}

async function world() {
  const trust = await buildTrust(h.db);
  const school = await buildSchool(h.db, trust.id, 'Ashby Brook Primary');
  const other = await buildSchool(h.db, trust.id);
  const [head, dsl, it, governor, chair, teacher, otherGovernor] = await Promise.all([
    member(trust.id, school.id, ['headteacher']),
    member(trust.id, school.id, ['dsl']),
    member(trust.id, school.id, ['network_manager']),
    member(trust.id, school.id, ['online_safety_governor']),
    member(trust.id, school.id, ['chair_of_governors']),
    member(trust.id, school.id, ['teacher']),
    member(trust.id, other.id, ['online_safety_governor']),
  ]);
  for (const [m, given, family] of [[head, 'Helen', 'Marsh'], [dsl, 'Priya', 'Raman'], [it, 'Sam', 'Okoro'], [governor, 'Grace', 'Oduya']] as const) {
    await h.db.updateTable('people').set({ given_name: given, family_name: family }).where('id', '=', m.personId).execute();
  }
  const outsider = await buildTrust(h.db);
  const stranger = await buildUser(h.db, outsider.id, null, ['trust_admin'], { totpSecret: SECRET });
  return { trust, school, other, head, dsl, it, governor, chair, teacher, otherGovernor, stranger };
}

before(async () => {
  h = await testHaven();
  w = await world();
});
after(async () => {
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const call = (who: Member, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  h.app.inject({ method, url: `/api/v1${url}`, headers: who.s.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });

const period = () => {
  const now = h.clock.now();
  return { periodStart: londonDate(new Date(now.getTime() - 300 * DAY)), periodEnd: londonDate(new Date(now.getTime() + 30 * DAY)) };
};
async function start(who: Member = w.head, schoolId = w.school.id): Promise<string> {
  const res = await call(who, 'POST', `/schools/${schoolId}/annual-reviews`, period());
  assert.equal(res.statusCode, 201, res.body);
  return res.json().id;
}
const complete = (over: Json = {}) => ({
  participants: [
    { role: 'senior_leader', personId: w.head.personId },
    { role: 'dsl', personId: w.dsl.personId },
    { role: 'it_provider', personId: w.it.personId },
    { role: 'governor', personId: w.governor.personId },
  ],
  riskProfile: { ageRange: '4 to 11', send: '14% of pupils on the SEND register', eal: '22% EAL', devices: 'Class iPads, Year 5–6 Chromebooks', byod: 'Not allowed for pupils', aiTools: 'Staff use a chat assistant for planning', notes: '' },
  standards: {
    roles: { judgement: 'met', notes: 'DSL and IT provider named' },
    review: { judgement: 'met', notes: '' },
    filtering: { judgement: 'partly_met', notes: 'Gambling failed in March; fixed' },
    monitoring: { judgement: 'met', notes: 'Weekly review by the head' },
  },
  items: [{ finding: 'Gambling sites were reachable on Year 6 laptops', action: 'Test gambling each half term', ownerPersonId: w.it.personId, dueOn: '2027-02-01' }],
  ...over,
});

function pdfText(pdf: Buffer): string {
  const file = path.join(dir, `${newId()}.pdf`);
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

test('a review is filled in, signed off by a governor, printed; its evidence is frozen at sign-off', async () => {
  // Records of the year that the evidence must pick up.
  const chk = await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, {
    checkedOn: londonDate(h.clock.now()),
    device: 'Laptop 4',
    userGroup: { group: 'pupils', yearGroups: ['6'] },
    method: 'online_service',
    results: [
      { category: 'Gambling', outcome: 'not_blocked', url: 'https://bets.example/' },
      { category: 'Pornography', outcome: 'blocked' },
    ],
  });
  assert.equal(chk.statusCode, 201, chk.body);
  const teacherSigned = w.teacher;
  const change = await call(teacherSigned, 'POST', `/schools/${w.school.id}/filter-changes`, {
    kind: 'block',
    targets: [{ type: 'site', value: 'games.example' }],
    userGroup: { group: 'staff' },
    reason: 'Distracting',
  });
  assert.equal(change.statusCode, 201, change.body);
  const now = h.clock.now();
  for (const priority of ['high', 'high', 'low']) {
    await sql`INSERT INTO log_alerts (trust_id, id, school_id, rule, priority, status, raised_at, subject_key, why, first_at, last_at, event_count, updated_at)
      VALUES (${w.trust.id}, ${newId()}, ${w.school.id}, 'harmful_content', ${priority}, 'open', ${now}, 'k', 'why', ${now}, ${now}, 1, ${now})`.execute(h.db);
  }
  await sql`INSERT INTO monitoring_reviews (trust_id, id, school_id, kind, label, cadence, reviewer_roles, period_start, period_end, due_at, overdue_after_days, status, figures, figures_at, created_at)
    VALUES (${w.trust.id}, ${newId()}, ${w.school.id}, 'weekly_head', 'Weekly', 'weekly', ${['headteacher']}, ${londonDate(new Date(now.getTime() - 20 * DAY))}, ${londonDate(new Date(now.getTime() - 14 * DAY))},
      ${new Date(now.getTime() - 13 * DAY)}, 3, 'due', '{}', ${now}, ${now})`.execute(h.db);

  const id = await start();
  const draft = (await call(w.dsl, 'GET', `/annual-reviews/${id}`)).json() as Json;
  assert.equal(draft.status, 'draft');
  assert.equal(draft.mayEdit, true);
  assert.equal(draft.maySignOff, false);
  assert.equal(draft.evidenceFrozen, false);
  const ev = draft.evidence;
  assert.ok(ev.roleHolders.some((r: Json) => r.role === 'network_manager' && r.name === 'Sam Okoro'));
  assert.deepEqual(ev.filterChecks, { checks: 1, results: 2, notBlocked: 1, tasksRaised: 1, tasksOpen: 1, lastCheckedOn: londonDate(now) });
  assert.equal(ev.changeLog.requests, 1);
  assert.deepEqual(ev.changeLog.bySteps, { requested: 1 });
  // Three alerts from the logs, and one more from the failed filter check (a medium: gambling not blocked).
  assert.deepEqual(ev.alerts, { total: 4, byPriority: { high: 2, medium: 1, low: 1 }, byStatus: { open: 4 } });
  assert.deepEqual(ev.monitoringReviews, { total: 1, signedOff: 0, due: 1, overdue: 1 });
  assert.ok(draft.directory.some((d: Json) => d.personId === w.governor.personId && d.roles.includes('online_safety_governor')));

  const saved = await call(w.head, 'PUT', `/annual-reviews/${id}`, complete());
  assert.equal(saved.statusCode, 200, saved.body);

  assert.equal((await call(w.governor, 'GET', `/annual-reviews/${id}`)).json().maySignOff, true);
  const signed = await call(w.governor, 'POST', `/annual-reviews/${id}/sign-off`, { note: 'Reviewed at the LAC meeting' });
  assert.equal(signed.statusCode, 200, signed.body);
  assert.equal(signed.json().status, 'signed_off');

  // A check recorded after sign-off does not change the signed-off evidence.

  const later = await call(w.head, 'POST', `/schools/${w.school.id}/filter-checks`, { checkedOn: londonDate(h.clock.now()), device: 'PC', userGroup: { group: 'staff' }, method: 'own_list', results: [{ category: 'Violence', outcome: 'blocked' }] });
  assert.equal(later.statusCode, 201, later.body);
  const final = (await call(w.head, 'GET', `/annual-reviews/${id}`)).json() as Json;
  assert.equal(final.status, 'signed_off');
  assert.equal(final.evidenceFrozen, true);
  assert.equal(final.evidence.filterChecks.checks, 1, 'frozen as it stood at sign-off');
  assert.equal(final.evidence.computedAt, now.toISOString());
  assert.equal(final.mayEdit, false);
  assert.equal(final.signedOff.personId, w.governor.personId);
  assert.deepEqual(final.standards.map((s: Json) => s.judgementLabel), ['Met', 'Met', 'Partly met', 'Met']);
  assert.equal(final.items[0].ownerName, 'Sam Okoro');

  const list = (await call(w.governor, 'GET', `/schools/${w.school.id}/annual-reviews`)).json() as Json;
  assert.equal(list.reviews[0].id, id);
  assert.equal(new Date(list.lastSignedOffAt).toISOString(), now.toISOString());
  const yearOn = new Date(now);
  yearOn.setUTCFullYear(yearOn.getUTCFullYear() + 1);
  assert.equal(new Date(list.nextDueAt).toISOString(), yearOn.toISOString());
  assert.equal(list.overdue, false);

  const pdf = await call(w.chair, 'GET', `/annual-reviews/${id}.pdf`);
  assert.equal(pdf.statusCode, 200, pdf.body.slice(0, 200));
  assert.equal(pdf.headers['content-type'], 'application/pdf');
  const text = pdfText(pdf.rawPayload);
  for (const s of [
    'Annual filtering and monitoring review — Ashby Brook Primary',
    'Signed off by Grace Oduya (governor)',
    'Reviewed at the LAC meeting',
    'Senior leader: Helen Marsh',
    'IT provider: Sam Okoro',
    'Age range: 4 to 11',
    'AI tools: Staff use a chat assistant for planning',
    '1. Roles and responsibilities: Met',
    '3. Filtering blocks harmful and inappropriate content: Partly met',
    'Gambling failed in March; fixed',
    'Alerts by priority: high 2, medium 1, low 1 (total 4)',
    'Tasks for the IT provider raised / still open: 1 / 1',
    'Gambling sites were reachable on Year 6 laptops',
    'Owner: Sam Okoro · Due: 01/02/2027',
    'Page 1 of',
  ]) {
    assert.ok(text.includes(s), `PDF is missing: ${s}\n${text}`);
  }
  const audits = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', id).execute();
  assert.deepEqual(audits.map((a) => a.action).sort(), ['annualreview.pdf', 'annualreview.save', 'annualreview.sign_off', 'annualreview.start']);
});

test('signed off means read-only, by the service and by the database; sign-off happens once', async () => {
  const id = await start();
  await call(w.head, 'PUT', `/annual-reviews/${id}`, complete());
  assert.equal((await call(w.governor, 'POST', `/annual-reviews/${id}/sign-off`, {})).statusCode, 200);
  const again = await call(w.chair, 'POST', `/annual-reviews/${id}/sign-off`, {});
  assert.equal(again.statusCode, 409);
  assert.match(again.json().detail, /already been signed off/);
  const edit = await call(w.head, 'PUT', `/annual-reviews/${id}`, complete({ riskProfile: { ...complete().riskProfile, notes: 'late change' } }));
  assert.equal(edit.statusCode, 409);
  assert.match(edit.json().detail, /read-only/);
  await assert.rejects(sql`UPDATE annual_reviews SET sign_off_note = 'changed' WHERE id = ${id}`.execute(h.db), /read-only/);
  await assert.rejects(sql`UPDATE annual_reviews SET status = 'draft', signed_off_by = NULL, signed_off_at = NULL, evidence = NULL WHERE id = ${id}`.execute(h.db), /read-only/);
  await assert.rejects(sql`DELETE FROM annual_reviews WHERE id = ${id}`.execute(h.db), /read-only/);
  const row = await h.db.selectFrom('annual_reviews').select(['status', 'sign_off_note']).where('id', '=', id).executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'signed_off', sign_off_note: null });
  // A sign-off without who, when and the evidence is refused by the database.
  const draft = await start();
  await assert.rejects(sql`UPDATE annual_reviews SET status = 'signed_off' WHERE id = ${draft}`.execute(h.db), /annual_review_signed_facts/);
});

test('only a governor signs off, and only a complete review', async () => {
  const id = await start();
  const byHead = await call(w.head, 'POST', `/annual-reviews/${id}/sign-off`, {});
  assert.equal(byHead.statusCode, 403);
  assert.match(byHead.json().detail, /online safety governor or the chair of governors/);
  const empty = await call(w.governor, 'POST', `/annual-reviews/${id}/sign-off`, {});
  assert.equal(empty.statusCode, 422);
  const fields = (empty.json().problems as Json[]).map((p) => p.field);
  assert.ok(fields.includes('standards.roles.judgement') && fields.includes('standards.monitoring.judgement') && fields.includes('participants'));
  const noGovernor = complete();
  noGovernor.participants = noGovernor.participants.filter((p: Json) => p.role !== 'governor');
  await call(w.head, 'PUT', `/annual-reviews/${id}`, noGovernor);
  const missing = await call(w.governor, 'POST', `/annual-reviews/${id}/sign-off`, {});
  assert.equal(missing.statusCode, 422);
  assert.match(missing.json().detail, /Record the governor who took part/);
  await call(w.head, 'PUT', `/annual-reviews/${id}`, complete());
  assert.equal((await call(w.otherGovernor, 'POST', `/annual-reviews/${id}/sign-off`, {})).statusCode, 404, 'a governor of another school');
  assert.equal((await call(w.chair, 'POST', `/annual-reviews/${id}/sign-off`, {})).statusCode, 200);
});

test('what is saved says what to fix', async () => {
  const id = await start();
  const noOwner = await call(w.head, 'PUT', `/annual-reviews/${id}`, complete({ items: [{ finding: 'No BYOD policy', action: 'Write one', ownerPersonId: null, dueOn: null }] }));
  assert.equal(noOwner.statusCode, 422);
  assert.deepEqual((noOwner.json().problems as Json[]).map((p) => p.field), ['items.0.ownerPersonId', 'items.0.dueOn']);
  const stranger = await call(w.head, 'PUT', `/annual-reviews/${id}`, complete({ participants: [{ role: 'governor', personId: w.stranger.personId }] }));
  assert.equal(stranger.statusCode, 422, 'people of another trust cannot be picked');
  assert.equal((await call(w.head, 'PUT', `/annual-reviews/${id}`, complete({ standards: { roles: { judgement: 'excellent' } } }))).statusCode, 400);
  const backwards = await call(w.head, 'POST', `/schools/${w.school.id}/annual-reviews`, { periodStart: '2026-09-01', periodEnd: '2026-08-31' });
  assert.equal(backwards.statusCode, 422);
  assert.equal(backwards.json().problems[0].field, 'periodEnd');
  assert.equal((await call(w.head, 'POST', `/schools/${w.school.id}/annual-reviews`, { periodStart: 'last year', periodEnd: '2026-08-31' })).statusCode, 400);
  assert.equal((await call(w.head, 'POST', `/schools/${w.school.id}/annual-reviews`, { periodStart: '2025-09-01', periodEnd: '2026-02-30' })).statusCode, 400, 'not a real date');
});

test('who may see and change reviews; other schools get 404', async () => {
  const id = await start();
  assert.equal((await call(w.teacher, 'GET', `/annual-reviews/${id}`)).statusCode, 403);
  assert.equal((await call(w.teacher, 'GET', `/schools/${w.school.id}/annual-reviews`)).statusCode, 403);
  assert.equal((await call(w.teacher, 'POST', `/schools/${w.school.id}/annual-reviews`, period())).statusCode, 403);
  assert.equal((await call(w.teacher, 'GET', `/annual-reviews/${id}.pdf`)).statusCode, 403);
  const itView = await call(w.it, 'GET', `/annual-reviews/${id}`);
  assert.equal(itView.statusCode, 200, 'the IT provider reads the review');
  assert.equal(itView.json().mayEdit, false);
  assert.equal((await call(w.it, 'PUT', `/annual-reviews/${id}`, complete())).statusCode, 403);
  assert.equal((await call(w.otherGovernor, 'GET', `/annual-reviews/${id}`)).statusCode, 404);
  assert.equal((await call(w.otherGovernor, 'GET', `/annual-reviews/${id}.pdf`)).statusCode, 404);
  assert.equal((await call(w.otherGovernor, 'PUT', `/annual-reviews/${id}`, complete())).statusCode, 404);
  assert.equal((await call(w.otherGovernor, 'GET', `/schools/${w.school.id}/annual-reviews`)).statusCode, 404);
  const draftPdf = await call(w.dsl, 'GET', `/annual-reviews/${id}.pdf`);
  assert.equal(draftPdf.statusCode, 200);
  assert.ok(pdfText(draftPdf.rawPayload).includes('DRAFT — not yet signed off by a governor'));
});

test('the next review is due a year after the last sign-off', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  assert.deepEqual(nextDue(null, now), { nextDueAt: null, overdue: true });
  assert.deepEqual(nextDue(new Date('2026-03-01T09:00:00Z'), now), { nextDueAt: new Date('2027-03-01T09:00:00Z'), overdue: false });
  assert.deepEqual(nextDue(new Date('2025-11-01T09:00:00Z'), now), { nextDueAt: new Date('2026-11-01T09:00:00Z'), overdue: true });
});
