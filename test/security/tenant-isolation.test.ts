// A user of one school can never read or change a row of another school or trust, through any
// endpoint. The routes are taken from the OpenAPI document, so a new endpoint is covered the day it
// is added; a path parameter this test does not know fails the test until it is taught.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Role } from '../../src/platform/auth/roles.ts';
import { newId } from '../../src/platform/ids.ts';
import { raiseAlerts } from '../../src/modules/alerts/service.ts';
import { createDueReviews } from '../../src/modules/monitoring-reviews/service.ts';
import {
  buildPerson,
  buildPupil,
  buildSchool,
  buildTrust,
  buildUser,
  type Signed,
  signIn,
  totpNow,
} from '../../src/platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../src/platform/testing/harness.ts';

let h: TestHaven;
const TOTP = 'JBSWY3DPEHPK3PXP';

type Side = {
  trustId: string;
  schoolId: string;
  pupilId: string;
  parentId: string;
  staffId: string;
  assignmentId: string;
  tokenId: string;
  importId: string;
  accountId: string;
  concernId: string;
  draftId: string;
  changeId: string;
  checkId: string;
  taskId: string;
  annualReviewId: string;
  reviewId: string;
  filterReportId: string;
  agreementId: string;
  versionId: string;
  campaignId: string;
  alertId: string;
  logSourceId: string;
  logRunId: string;
  sha256: string;
  secrets: string[];
};

async function side(
  trustName: string,
  schoolName: string,
  otherSchool?: string,
): Promise<Side & { admin: Awaited<ReturnType<typeof buildUser>> }> {
  const trust = await buildTrust(h.db, trustName);
  const school = await buildSchool(h.db, trust.id, schoolName);
  if (otherSchool) await buildSchool(h.db, trust.id, otherSchool);
  const pupil = await buildPupil(h.db, trust.id, school.id, { given_name: `${schoolName}Pupil`, family_name: 'Zed' });
  const parent = await buildPerson(h.db, trust.id, {
    kind: 'parent',
    school_id: school.id,
    given_name: `${schoolName}Parent`,
    email: `${schoolName.toLowerCase()}.parent@example.test`,
  });
  await h.db.insertInto('pupil_parents').values({ trust_id: trust.id, pupil_id: pupil.id, parent_id: parent.id }).execute();
  const staff = await buildPerson(h.db, trust.id, {
    kind: 'staff',
    school_id: school.id,
    given_name: `${schoolName}Teacher`,
    email: `${schoolName.toLowerCase()}.teacher@example.test`,
  });
  const assignmentId = newId();
  await h.db
    .insertInto('role_assignments')
    .values({ trust_id: trust.id, id: assignmentId, person_id: staff.id, role: 'dsl', school_id: school.id })
    .execute();
  const admin = await buildUser(h.db, trust.id, null, ['trust_admin'], { totpSecret: TOTP });
  // Made through the API as that trust's own administrator, so the rows are real.
  const s = await signIn(h.app, admin.email, { totp: totpNow(TOTP, h.clock.now()) });
  const token = await h.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: s.headers,
    payload: { name: 'isolation', scopes: ['people:read'], days: 30 },
  });
  const boundary = 'havenisolation';
  const csv = 'UPN,Legal Surname,Legal Forename,DOB,Year,Reg\r\nA123456789012,Smith,Ada,04/03/2017,4,4B\r\n';
  const imp = await h.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school.id}/imports`,
    headers: { ...s.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: [
      `--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npupils\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`,
      `--${boundary}--\r\n`,
    ].join(''),
  });
  const concern = await h.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school.id}/concerns`,
    headers: s.headers,
    payload: {
      whatHappened: `${schoolName}Concern about a website`,
      occurredAt: '2026-09-01T07:30:00Z',
      involved: [{ personId: pupil.id }],
      urls: [],
      area: 'content',
      type: 'inappropriate_website',
      toldDslInPerson: false,
      urgent: false,
      mayBeIndecentImages: false,
    },
  });
  const draftId = newId();
  const draft = await h.app.inject({
    method: 'PUT',
    url: `/api/v1/schools/${school.id}/concern-drafts/${draftId}`,
    headers: s.headers,
    payload: { whatHappened: `${schoolName}Draft` },
  });
  const concernId = (concern.json() as { id: string }).id;
  const evidence = await h.app.inject({
    method: 'POST',
    url: `/api/v1/concerns/${concernId}/evidence`,
    headers: { ...s.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: [
      `--${boundary}\r\nContent-Disposition: form-data; name="mayBeIndecentImages"\r\n\r\nfalse\r\n`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="note.txt"\r\nContent-Type: text/plain\r\n\r\n${schoolName}Evidence text\r\n`,
      `--${boundary}--\r\n`,
    ].join(''),
  });
  const agreements = await h.app.inject({ url: `/api/v1/schools/${school.id}/agreements`, headers: s.headers });
  const staffAgreement = (agreements.json() as { agreements: { id: string; audience: string }[] }).agreements.find((a) => a.audience === 'staff');
  const published = await h.app.inject({ method: 'POST', url: `/api/v1/agreements/${staffAgreement?.id}/publish`, headers: s.headers });
  const versionId = (published.json() as { versionId: string }).versionId;
  const campaign = await h.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school.id}/campaigns`,
    headers: s.headers,
    payload: { versionId, title: `${schoolName}Campaign`, dueOn: '2026-12-31', groups: [{ kind: 'staff' }] },
  });
  const change = await h.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school.id}/filter-changes`,
    headers: s.headers,
    payload: {
      kind: 'block',
      targets: [{ type: 'site', value: `${schoolName.toLowerCase()}-games.example` }],
      userGroup: { group: 'staff' },
      reason: `${schoolName}Filterreason: a games site distracting staff`,
    },
  });
  const filterReport = await h.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school.id}/filter-reports`,
    headers: s.headers,
    payload: { url: `https://${schoolName.toLowerCase()}-report.example`, direction: 'unblock', why: `${schoolName}Filterreport: a maths site` },
  });
  assert.equal(filterReport.statusCode, 201, filterReport.body);
  const filterCheck = await h.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school.id}/filter-checks`,
    headers: s.headers,
    payload: {
      checkedOn: '2026-01-05',
      device: `${schoolName}Checkdevice`,
      userGroup: { group: 'staff' },
      method: 'own_list',
      results: [{ category: 'Gambling', outcome: 'not_blocked', url: `https://${schoolName.toLowerCase()}-bets.example` }],
    },
  });
  assert.equal(filterCheck.statusCode, 201, filterCheck.body);
  const review = await h.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${school.id}/annual-reviews`,
    headers: s.headers,
    payload: { periodStart: '2025-09-01', periodEnd: '2026-08-31' },
  });
  assert.equal(review.statusCode, 201, review.body);
  // The sweep must aim at real rows of the other trust, so their creation is part of the test.
  assert.equal(change.statusCode, 201, change.body);
  assert.equal(agreements.statusCode, 200, agreements.body);
  assert.equal(published.statusCode, 201, published.body);
  assert.equal(campaign.statusCode, 201, campaign.body);
  assert.equal(concern.statusCode, 201, concern.body);
  assert.equal(draft.statusCode, 204, draft.body);
  assert.equal(evidence.statusCode, 201, evidence.body);
  assert.equal(token.statusCode, 201, token.body);
  assert.equal(imp.statusCode, 201, imp.body);
  const tokenBody = token.json() as { id: string };
  const importBody = imp.json() as { id: string };
  return {
    admin,
    trustId: trust.id,
    schoolId: school.id,
    pupilId: pupil.id,
    parentId: parent.id,
    staffId: staff.id,
    assignmentId,
    tokenId: tokenBody.id,
    importId: importBody.id,
    accountId: admin.accountId,
    concernId,
    draftId,
    changeId: (change.json() as { id: string }).id,
    checkId: (filterCheck.json() as { id: string }).id,
    taskId: (filterCheck.json() as { tasks: { id: string }[] }).tasks[0]?.id ?? '',
    annualReviewId: (review.json() as { id: string }).id,
    // the review job makes this school's reviews for the periods that have ended
    reviewId: (await createDueReviews(h), (await h.db.selectFrom('monitoring_reviews').select('id').where('school_id', '=', school.id).orderBy('kind').executeTakeFirstOrThrow()).id),
    filterReportId: (filterReport.json() as { id: string }).id,
    agreementId: staffAgreement?.id ?? '',
    versionId,
    campaignId: (campaign.json() as { id: string }).id,
    // an alert as the log pipeline raises it, about this side's pupil
    alertId: (await raiseAlerts(h, trust.id, school.id, [
      { rule: 'harmful_content', priority: 'medium', subjectKey: `${schoolName.toLowerCase()}alertuser`, personId: pupil.id, category: 'gambling', why: `${schoolName}Alertwhy`, firstAt: Date.parse('2026-08-31T09:00:00Z'), lastAt: Date.parse('2026-08-31T09:01:00Z'), eventCount: 1,
        events: [{ at: Date.parse('2026-08-31T09:00:00Z'), source: 'squid', user: null, clientIp: '10.0.0.9', device: null, host: 'bet.example', url: null, action: 'blocked', filterCategory: 'gambling', reason: null, bytes: null }] },
    ]), (await h.db.selectFrom('log_alerts').select('id').where('school_id', '=', school.id).executeTakeFirstOrThrow()).id),
    // a log source and an ingest run of this school, as the logs module makes them
    ...(await (async () => {
      const logSourceId = newId();
      const logRunId = newId();
      await h.db.insertInto('log_sources').values({ trust_id: trust.id, id: logSourceId, school_id: school.id, name: `${schoolName}Logsource`, format: 'squid', options: '{}', watch_path: null, created_at: new Date(), created_by: 'test' }).execute();
      await h.db.insertInto('log_ingest_runs').values({ trust_id: trust.id, id: logRunId, school_id: school.id, source_id: null, origin: 'upload', format: 'squid', options: '{}', name: `${schoolName}Logrun`, first_line: null, started_at: new Date(), finished_at: null, malformed: '{}', error: null }).execute();
      return { logSourceId, logRunId };
    })()),
    sha256: (evidence.json() as { sha256: string }).sha256,
    secrets: [
      pupil.id,
      parent.id,
      staff.id,
      `${schoolName}Pupil`,
      `${schoolName}Parent`,
      `${schoolName}Teacher`,
      `${schoolName}Concern`,
      `${schoolName}Draft`,
      `${schoolName}Evidence`,
      `${schoolName}Campaign`,
      `${schoolName}Filterreason`,
      `${schoolName}Checkdevice`,
      `${schoolName}Filterreport`,
      `${schoolName}Alertwhy`,
      `${schoolName}Logsource`,
      `${schoolName}Logrun`,
      school.id,
      trust.id,
      trustName,
    ],
  };
}

let A: Awaited<ReturnType<typeof side>>;
let B: Awaited<ReturnType<typeof side>>;

before(async () => {
  h = await testHaven();
  A = await side('Alpha Trust', 'Alphaschool', 'Alphasecond');
  B = await side('Bravo Trust', 'Bravoschool');
});
after(() => h.close());

const paramValue = (target: Side, name: string): string => {
  const map: Record<string, string> = {
    schoolId: target.schoolId,
    personId: target.pupilId,
    pupilId: target.pupilId,
    parentId: target.parentId,
    assignmentId: target.assignmentId,
    tokenId: target.tokenId,
    importId: target.importId,
    accountId: target.accountId,
    concernId: target.concernId,
    changeId: target.changeId,
    checkId: target.checkId,
    taskId: target.taskId,
    annualReviewId: target.annualReviewId,
    reviewId: target.reviewId,
    filterReportId: target.filterReportId,
    draftId: target.draftId,
    agreementId: target.agreementId,
    versionId: target.versionId,
    campaignId: target.campaignId,
    alertId: target.alertId,
    sourceId: target.logSourceId,
    runId: target.logRunId,
    acceptanceId: newId(), // no acceptance exists on either side; a made-up id must still be refused
    token: 'x'.repeat(43),
    item: 'policyRead',
    sha256: target.sha256,
    trustId: target.trustId,
  };
  const v = map[name];
  if (!v) throw new Error(`The isolation test does not know the path parameter {${name}}: teach it in paramValue().`);
  return v;
};

const bodyFor = (target: Side): Record<string, unknown> => ({
  personId: target.staffId,
  pupilId: target.pupilId,
  parentId: target.parentId,
  schoolId: target.schoolId,
  trustId: target.trustId,
  role: 'dsl',
  kind: 'staff',
  givenName: 'Mallory',
  familyName: 'Intruder',
  email: 'mallory@example.test',
  name: 'intrusion',
  filename: 'x.csv',
  csv: 'Staff Code,Surname,Forename\nZZZ,Intruder,Mallory\n',
  mapping: {},
  markLeavers: true,
  scopes: ['people:read', 'people:write'],
  days: 1,
  relationship: 'parent',
  parentalResponsibility: true,
});

async function snapshot(trustId: string): Promise<string> {
  const tables = ['schools', 'people', 'pupil_parents', 'role_assignments', 'api_tokens', 'audit_events', 'concerns', 'concern_timeline', 'concern_drafts', 'concern_evidence', 'evidence_blobs', 'log_alerts', 'log_alert_history', 'filter_checks', 'filter_check_tasks', 'annual_reviews', 'filter_change_requests', 'filter_change_log', 'filter_reports', 'filter_report_decisions'];
  const parts: string[] = [];
  for (const t of tables) {
    const r = await sql<{
      h: string;
    }>`SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${sql.table(t)} x WHERE trust_id = ${trustId}`.execute(
      h.db,
    );
    parts.push(`${t}:${r.rows[0]?.h}`);
  }
  return parts.join(' ');
}

type Route = { method: string; path: string };
async function routes(): Promise<Route[]> {
  const doc = (await h.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const method of Object.keys(ops))
      if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) out.push({ method: method.toUpperCase(), path });
  }
  return out;
}

async function attack(who: Signed, target: Side, extraForbidden: string[] = []) {
  const before = await snapshot(target.trustId);
  const all = await routes();
  assert.ok(all.length >= 10, 'the API has its routes');
  const leaks: string[] = [];
  const allowed: string[] = [];
  for (const r of all) {
    if (r.path.startsWith('/api/v1/auth/')) continue; // own-account endpoints: no record of anyone else
    const hasParams = r.path.includes('{');
    const url = r.path.replace(/\{(\w+)\}/g, (_, name: string) => paramValue(target, name));
    const res = await h.app.inject({
      method: r.method as 'GET',
      url,
      headers: who.headers,
      ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: bodyFor(target) }),
    });
    assert.ok(res.statusCode < 500, `${r.method} ${r.path} answered ${res.statusCode}: ${res.body.slice(0, 200)}`);
    if (hasParams && res.statusCode < 300) allowed.push(`${r.method} ${r.path} → ${res.statusCode}`);
    for (const secret of [...target.secrets, ...extraForbidden]) {
      if (res.body.includes(secret)) leaks.push(`${r.method} ${r.path} shows ${secret}`);
    }
  }
  assert.deepEqual(allowed, [], 'no endpoint accepts another school’s record');
  assert.deepEqual(leaks, [], 'no endpoint shows another school’s data');
  assert.equal(await snapshot(target.trustId), before, 'nothing of the other side changed');
}

test('a trust administrator of trust A cannot read or change anything of trust B', async () => {
  const s = await signIn(h.app, A.admin.email, { totp: totpNow(TOTP, h.clock.now()) });
  await attack(s, B);
});

test('every role of school A, one at a time, cannot reach trust B', async () => {
  const roles: Role[] = [
    'headteacher',
    'dsl',
    'deputy_dsl',
    'online_safety_lead',
    'network_manager',
    'teacher',
    'office',
    'online_safety_governor',
  ];
  for (const role of roles) {
    const user = await buildUser(h.db, A.trustId, A.schoolId, [role]);
    await h.db.updateTable('accounts').set({ totp_secret: TOTP, totp_enabled_at: new Date() }).where('id', '=', user.accountId).execute();
    const s = await signIn(h.app, user.email, { totp: totpNow(TOTP, h.clock.now()) });
    await attack(s, B);
  }
});

test("a headteacher of one school cannot reach a sister school's pupils in the same trust", async () => {
  const second = await h.db
    .selectFrom('schools')
    .select('id')
    .where('trust_id', '=', A.trustId)
    .where('name', '=', 'Alphasecond')
    .executeTakeFirstOrThrow();
  const pupil = await buildPupil(h.db, A.trustId, second.id, { given_name: 'Sisterpupil' });
  const head = await buildUser(h.db, A.trustId, A.schoolId, ['headteacher'], { totpSecret: TOTP });
  const s = await signIn(h.app, head.email, { totp: totpNow(TOTP, h.clock.now()) });
  for (const url of [`/api/v1/schools/${second.id}/people`, `/api/v1/people/${pupil.id}`, `/api/v1/schools/${second.id}/role-holders`]) {
    const res = await h.app.inject({ url, headers: s.headers });
    assert.ok([403, 404].includes(res.statusCode), `${url} → ${res.statusCode}`);
    assert.doesNotMatch(res.body, /Sisterpupil/);
  }
  const roleChange = await h.app.inject({
    method: 'POST',
    url: `/api/v1/schools/${second.id}/roles`,
    headers: s.headers,
    payload: { personId: pupil.id, role: 'dsl' },
  });
  assert.ok([403, 404].includes(roleChange.statusCode), `role change → ${roleChange.statusCode}`);
});
