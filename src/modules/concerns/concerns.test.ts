import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { verifyChains } from '../../platform/audit/service.ts';
import { buildSchool, buildTrust } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { baseReport, call, form, go, member, report, type World, world } from './testing.ts';

let h: TestHaven;
let w: World;
before(async () => {
  h = await testHaven();
  w = await world(h);
});
after(() => h.close());

type Json = Record<string, any>;

test('a teacher reports; the reference counts per school; the draft goes; the reporter sees status only', async () => {
  const draftId = crypto.randomUUID();
  const put = await call(h, w.teacher, 'PUT', `/schools/${w.school.id}/concern-drafts/${draftId}`, { whatHappened: 'half typed' });
  assert.equal(put.statusCode, 204);
  const first = await report(h, w.teacher, w.school.id, { draftId, involved: [{ personId: w.pupil.id }, { unknown: true, description: 'older boy at the gate' }] });
  assert.match(first.reference, /^ABP[A-Z0-9]?-0001$/);
  const second = await report(h, w.teacher, w.school.id);
  assert.equal(second.reference, first.reference.replace('0001', '0002'));

  const drafts = await call(h, w.teacher, 'GET', `/schools/${w.school.id}/concern-drafts`);
  assert.deepEqual(drafts.json().drafts, []);

  const mine = (await call(h, w.teacher, 'GET', `/my-concerns?schoolId=${w.school.id}`)).json().concerns as Json[];
  assert.deepEqual(Object.keys(mine[0] as Json).sort(), ['createdAt', 'id', 'reference', 'status', 'type']);
  assert.deepEqual(mine.map((c) => c.reference).sort(), [first.reference, second.reference].sort());

  // the reporter may not open the case; another teacher does not even learn it exists
  assert.equal((await call(h, w.teacher, 'GET', `/concerns/${first.id}`)).statusCode, 403);
  assert.equal((await call(h, w.teacher2, 'GET', `/concerns/${first.id}`)).statusCode, 404);

  const c = (await call(h, w.dsl, 'GET', `/concerns/${first.id}`)).json() as Json;
  assert.equal(c.status, 'new');
  assert.equal(c.whatHappened, 'Saw a pupil on a gambling site in ICT suite');
  assert.deepEqual(c.pupils, [{ id: w.pupil.id, name: 'Robin Quill' }]);
  assert.equal(c.involved.length, 2);
  assert.equal(c.involved[1].unknown, true);
  assert.equal(c.timeline[0].kind, 'status');
  assert.deepEqual(c.proposedActions.map((a: Json) => a.action), ['refer_class_teacher', 'refer_technical', 'warning']);
  assert.deepEqual(c.allowedTransitions.sort(), ['assign', 'close_without_action', 'set_type', 'set_urgency', 'take']);

  const audits = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', first.id).execute();
  assert.deepEqual(audits.map((a) => a.action).sort(), ['concern.create', 'concern.read']);
});

test('a submitted report cannot be edited: no route, and the database refuses it', async () => {
  const { id } = await report(h, w.teacher, w.school.id);
  for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
    assert.equal((await call(h, w.teacher, method, `/concerns/${id}`, method === 'DELETE' ? undefined : { whatHappened: 'changed' })).statusCode, 404, method);
  }
  await assert.rejects(sql`UPDATE concerns SET what_happened = 'changed' WHERE id = ${id}`.execute(h.db), /cannot be changed/);
  await assert.rejects(sql`DELETE FROM concerns WHERE id = ${id}`.execute(h.db), /never deleted/);
  // responders' fields still move
  await sql`UPDATE concerns SET urgent = true WHERE id = ${id}`.execute(h.db);
  const follow = await call(h, w.teacher, 'POST', `/concerns/${id}/follow-ups`, { text: 'He did it again at lunch' });
  assert.equal(follow.statusCode, 201);
  const c = (await call(h, w.dsl, 'GET', `/concerns/${id}`)).json() as Json;
  assert.equal(c.whatHappened, 'Saw a pupil on a gambling site in ICT suite');
  assert.equal(c.timeline.at(-1).kind, 'follow_up');
});

test('drafts: saved, listed only to their author, survive, and are deleted on request', async () => {
  const id = crypto.randomUUID();
  await call(h, w.teacher2, 'PUT', `/schools/${w.school.id}/concern-drafts/${id}`, { whatHappened: 'one' });
  h.clock.advance(1000);
  await call(h, w.teacher2, 'PUT', `/schools/${w.school.id}/concern-drafts/${id}`, { whatHappened: 'one two', urgent: true });
  const list = (await call(h, w.teacher2, 'GET', `/schools/${w.school.id}/concern-drafts`)).json().drafts as Json[];
  assert.deepEqual(list.map((d) => [d.id, d.form]), [[id, { whatHappened: 'one two', urgent: true }]]);
  assert.deepEqual((await call(h, w.teacher, 'GET', `/schools/${w.school.id}/concern-drafts`)).json().drafts.filter((d: Json) => d.id === id), []);
  assert.equal((await call(h, w.teacher, 'PUT', `/schools/${w.school.id}/concern-drafts/${id}`, { x: 1 })).statusCode, 409);
  assert.equal((await call(h, w.teacher, 'DELETE', `/schools/${w.school.id}/concern-drafts/${id}`)).statusCode, 404);
  assert.equal((await call(h, w.teacher2, 'DELETE', `/schools/${w.school.id}/concern-drafts/${id}`)).statusCode, 204);
});

test('investigation path to closure: two senior attendees, matrix deviation needs a reason, timeline writes itself', async () => {
  const { id } = await report(h, w.teacher, w.school.id, { involved: [{ personId: w.pupil.id }] });
  assert.equal((await go(h, w.dsl, id, { event: 'start_investigation' })).statusCode, 409);
  const took = await go(h, w.dsl, id, { event: 'take', ownerPersonId: w.deputy.personId });
  assert.equal(took.statusCode, 200, took.body);
  assert.equal(took.json().owner.personId, w.deputy.personId);
  // the owner must be someone the case is routed to
  const badOwner = await go(h, w.dsl, id, { event: 'assign', ownerPersonId: w.teacher.personId });
  assert.equal(badOwner.statusCode, 422);
  assert.equal((await go(h, w.dsl, id, { event: 'start_investigation' })).json().status, 'investigating');

  await go(h, w.dsl, id, { event: 'record_attendees', attendeePersonIds: [w.dsl.personId, w.teacher2.personId] });
  const early = await go(h, w.dsl, id, { event: 'save_findings', findings: 'Site visited twice', judgement: 'substantiated' });
  assert.equal(early.statusCode, 422);
  assert.equal(early.json().problems?.[0]?.field ?? early.json().errors?.[0]?.field, 'attendeePersonIds');

  await go(h, w.dsl, id, { event: 'record_attendees', attendeePersonIds: [w.dsl.personId, w.osl.personId, w.teacher2.personId] });
  const judged = await go(h, w.dsl, id, { event: 'save_findings', findings: 'Site visited twice', judgement: 'substantiated' });
  assert.equal(judged.statusCode, 200, judged.body);
  const j = judged.json() as Json;
  assert.deepEqual([j.status, j.outcome], ['actions', 'substantiated']);
  assert.deepEqual(j.investigation.attendees.map((a: Json) => a.role).sort(), ['dsl', 'online_safety_lead', 'teacher']);

  const deviating = await go(h, w.dsl, id, { event: 'record_actions', actions: [{ action: 'warning' }] });
  assert.equal(deviating.statusCode, 422);
  assert.match(deviating.body, /deviationReason/);
  const acted = await go(h, w.dsl, id, { event: 'record_actions', actions: [{ action: 'warning', note: 'spoken to' }], deviationReason: 'First time; filter already fixed' });
  assert.equal(acted.statusCode, 200, acted.body);
  assert.equal(acted.json().deviationReason, 'First time; filter already fixed');
  assert.equal(acted.json().actionsTaken[0].note, 'spoken to');

  const closed = await go(h, w.dsl, id, { event: 'close', feedback: 'Told teacher and pupil', lessonsLearned: 'Block category' });
  assert.equal(closed.statusCode, 200, closed.body);
  const c = closed.json() as Json;
  assert.deepEqual([c.status, c.outcome, c.allowedTransitions], ['closed', 'substantiated', []]);
  const kinds = c.timeline.map((t: Json) => t.kind);
  assert.equal(kinds.filter((k: string) => k === 'status').length, 5); // reported, triage, investigating, actions, closed
  assert.ok(kinds.includes('owner'));
  assert.equal((await go(h, w.dsl, id, { event: 'set_urgency', urgent: true })).statusCode, 409);
});

test('illegal path: evidence becomes read-only; containment and referral lead to actions as referred', async () => {
  const { id } = await report(h, w.teacher, w.school.id, { type: 'illegal_content', area: 'content' });
  const up = form([['mayBeIndecentImages', 'false'], ['file', { filename: 'notes.txt', content: 'what I saw on screen' }]]);
  const ok = await h.app.inject({ method: 'POST', url: `/api/v1/concerns/${id}/evidence`, headers: { ...w.teacher.s.headers, ...up.headers }, payload: up.payload });
  assert.equal(ok.statusCode, 201, ok.body);
  const sha = ok.json().sha256 as string;
  assert.match(sha, /^[0-9a-f]{64}$/);

  await go(h, w.dsl, id, { event: 'take' });
  assert.equal((await go(h, w.dsl, id, { event: 'suspect_illegal' })).json().path, 'illegal');
  const again = form([['mayBeIndecentImages', 'false'], ['file', { filename: 'more.txt', content: 'another note' }]]);
  const refused = await h.app.inject({ method: 'POST', url: `/api/v1/concerns/${id}/evidence`, headers: { ...w.dsl.s.headers, ...again.headers }, payload: again.payload });
  assert.equal(refused.statusCode, 409);

  assert.equal((await go(h, w.dsl, id, { event: 'complete_referral' })).statusCode, 422);
  assert.equal((await go(h, w.dsl, id, { event: 'record_containment', viewingStopped: true, deviceIsolated: true })).statusCode, 200);
  assert.equal((await go(h, w.dsl, id, { event: 'record_referral', agency: 'police', reference: 'CAD-2231', referredAt: '2026-09-01T09:00:00Z' })).statusCode, 200);
  const done = (await go(h, w.dsl, id, { event: 'complete_referral' })).json() as Json;
  assert.deepEqual([done.status, done.outcome], ['actions', 'referred']);
  assert.equal(done.illegal.referral.reference, 'CAD-2231');
  assert.deepEqual(done.evidence.map((e: Json) => [e.sha256, e.readOnly]), [[sha, true]]);
  assert.ok(done.timeline.some((t: Json) => t.kind === 'referral'));

  const file = await call(h, w.dsl, 'GET', `/concerns/${id}/evidence/${sha}`);
  assert.equal(file.statusCode, 200);
  assert.equal(file.body, 'what I saw on screen');
  assert.equal((await call(h, w.teacher, 'GET', `/concerns/${id}/evidence/${sha}`)).statusCode, 403);
  const reads = await h.db.selectFrom('audit_events').select('action').where('record_id', '=', id).where('action', '=', 'concern.evidence_read').execute();
  assert.equal(reads.length, 1);
});

test('possible indecent images of a child: the upload is refused with what to do instead', async () => {
  const { id } = await report(h, w.teacher, w.school.id, { type: 'nude_image_sharing', area: 'conduct' });
  const up = form([['mayBeIndecentImages', 'true'], ['file', { filename: 'x.txt', content: 'placeholder' }]]);
  const res = await h.app.inject({ method: 'POST', url: `/api/v1/concerns/${id}/evidence`, headers: { ...w.teacher.s.headers, ...up.headers }, payload: up.payload });
  assert.equal(res.statusCode, 422);
  assert.match(res.json().detail, /isolate the device/i);
  assert.match(res.json().detail, /police/i);
  assert.match(res.json().detail, /DSL|safeguarding lead/i);
  const stored = await h.db.selectFrom('concern_evidence').select('sha256').where('concern_id', '=', id).execute();
  assert.deepEqual(stored, []);
  // a report that said so at the start refuses even an upload flagged false
  const flagged = await report(h, w.teacher, w.school.id, { mayBeIndecentImages: true });
  const up2 = form([['mayBeIndecentImages', 'false'], ['file', { filename: 'y.txt', content: 'placeholder' }]]);
  const res2 = await h.app.inject({ method: 'POST', url: `/api/v1/concerns/${flagged.id}/evidence`, headers: { ...w.teacher.s.headers, ...up2.headers }, payload: up2.payload });
  assert.equal(res2.statusCode, 422);
});

test('the timeline is append-only in the database; corrections are new entries', async () => {
  const { id } = await report(h, w.teacher, w.school.id);
  const note = await call(h, w.dsl, 'POST', `/concerns/${id}/notes`, { text: 'Called parent at 10:05' });
  assert.equal(note.statusCode, 201);
  const entryId = note.json().id as string;
  await assert.rejects(sql`UPDATE concern_timeline SET text = 'x' WHERE id = ${entryId}`.execute(h.db), /append-only/);
  await assert.rejects(sql`DELETE FROM concern_timeline WHERE id = ${entryId}`.execute(h.db), /append-only/);
  await assert.rejects(sql`TRUNCATE concern_timeline CASCADE`.execute(h.db), /append-only/);
  const fix = await call(h, w.dsl, 'POST', `/concerns/${id}/corrections`, { entryId, text: 'It was 10:50, not 10:05' });
  assert.equal(fix.statusCode, 201);
  const c = (await call(h, w.dsl, 'GET', `/concerns/${id}`)).json() as Json;
  assert.deepEqual(
    c.timeline.slice(-2).map((t: Json) => [t.kind, t.text]),
    [
      ['note', 'Called parent at 10:05'],
      ['correction', 'It was 10:50, not 10:05'],
    ],
  );
});

test('a pupil’s third concern of one type in a term is flagged repeated, and the matrix escalates', async () => {
  const pupil = (await h.db.selectFrom('people').select('id').where('id', '=', w.pupil.id).executeTakeFirstOrThrow()).id;
  const other = await (await import('../../platform/testing/factories.ts')).buildPupil(h.db, w.trust.id, w.school.id);
  const r = (at: string, who = pupil) => report(h, w.teacher, w.school.id, { type: 'cyberbullying', area: 'conduct', occurredAt: at, involved: [{ personId: who }] });
  await r('2026-03-15T10:00:00Z'); // spring
  await r('2026-04-10T10:00:00Z'); // summer
  const second = await r('2026-05-10T10:00:00Z');
  await r('2026-05-11T10:00:00Z', other.id);
  const third = await r('2026-08-30T10:00:00Z');
  const c2 = (await call(h, w.dsl, 'GET', `/concerns/${second.id}`)).json() as Json;
  const c3 = (await call(h, w.dsl, 'GET', `/concerns/${third.id}`)).json() as Json;
  assert.equal(c2.repeated, false);
  assert.equal(c3.repeated, true);
  assert.ok(c3.proposedActions.some((a: Json) => a.action === 'remove_network_access'));
  assert.equal(c2.proposedActions.some((a: Json) => a.action === 'remove_network_access'), false);
});

test('a concern about a member of staff goes to the headteacher, not to the DSL or other staff', async () => {
  const { id } = await report(h, w.teacher2, w.school.id, { involved: [{ personId: w.teacher.personId }], type: 'inappropriate_messaging', area: 'contact' });
  assert.equal((await call(h, w.head, 'GET', `/concerns/${id}`)).statusCode, 200);
  assert.equal((await call(h, w.tsl, 'GET', `/concerns/${id}`)).statusCode, 200);
  for (const m of [w.dsl, w.deputy, w.osl, w.teacher, w.chair]) assert.equal((await call(h, m, 'GET', `/concerns/${id}`)).statusCode, 404);
  const q = (await call(h, w.dsl, 'GET', `/schools/${w.school.id}/concerns/queue`)).json().concerns as Json[];
  assert.ok(!q.some((c) => c.id === id));
  // the subject never appears in my-concerns, queue, nor search; explicit share adds a person
  assert.equal((await call(h, w.head, 'POST', `/concerns/${id}/sharing`, { personId: w.teacher.personId })).statusCode, 422);
  assert.equal((await call(h, w.head, 'POST', `/concerns/${id}/sharing`, { personId: w.dsl.personId })).statusCode, 204);
  const shared = await call(h, w.dsl, 'GET', `/concerns/${id}`);
  assert.equal(shared.statusCode, 200);
  assert.deepEqual(shared.json().allowedTransitions, []);
  assert.equal((await go(h, w.dsl, id, { event: 'take' })).statusCode, 404);
  const staffMatrix = shared.json().proposedActions.map((a: Json) => a.action);
  assert.deepEqual(staffMatrix, ['refer_headteacher', 'refer_hr', 'warning']);
  // who viewed: the routed headteacher can see it lists the DSL's read
  const viewers = (await call(h, w.head, 'GET', `/concerns/${id}/viewers`)).json().viewers as Json[];
  assert.ok(viewers.length >= 3);
  assert.equal((await call(h, w.dsl, 'GET', `/concerns/${id}/viewers`)).statusCode, 403);
});

test('an allegation against the headteacher is invisible to the head by every route, search, export, notification and count', async () => {
  const before = (await call(h, w.head, 'GET', `/schools/${w.school.id}/concerns?limit=200`)).json().total as number;
  const beforeMail = await h.db.selectFrom('mail_outbox').select('id').where('to_address', '=', w.head.email.toLowerCase()).execute();
  // the head also reported something earlier: my-concerns must still not show the allegation
  const { id, reference } = await report(h, w.teacher, w.school.id, {
    involved: [{ personId: w.head.personId }, { personId: w.pupil.id }],
    whatHappened: 'Head messaged a pupil on a personal account zebraword',
    type: 'inappropriate_messaging',
    area: 'contact',
    urgent: true,
  });
  const reachable = async (m: typeof w.head) => {
    const found: string[] = [];
    const get = (u: string) => call(h, m, 'GET', u);
    if ((await get(`/concerns/${id}`)).statusCode === 200) found.push('get');
    if ((await get(`/schools/${w.school.id}/concerns/queue`)).body.includes(id)) found.push('queue');
    if ((await get(`/schools/${w.school.id}/concerns?limit=200`)).body.includes(id)) found.push('list');
    if ((await get(`/schools/${w.school.id}/concerns?q=zebraword`)).body.includes(id)) found.push('search');
    if ((await get(`/schools/${w.school.id}/concerns?q=${reference}`)).body.includes(id)) found.push('search-ref');
    if ((await get(`/people/${w.pupil.id}/chronology`)).body.includes(reference)) found.push('chronology');
    if ((await get(`/schools/${w.school.id}/incident-log`)).body.includes(reference)) found.push('incident-log');
    if ((await get(`/schools/${w.school.id}/incident-log.csv`)).body.includes(reference)) found.push('incident-log.csv');
    if ((await get(`/my-concerns?schoolId=${w.school.id}`)).body.includes(id)) found.push('my-concerns');
    if ((await get(`/concerns/${id}/viewers`)).statusCode === 200) found.push('viewers');
    if ((await call(h, m, 'POST', `/concerns/${id}/notes`, { text: 'x' })).statusCode === 201) found.push('notes');
    if ((await call(h, m, 'POST', `/concerns/${id}/follow-ups`, { text: 'x' })).statusCode === 201) found.push('follow-ups');
    if ((await go(h, m, id, { event: 'take' })).statusCode === 200) found.push('transition');
    return found;
  };
  assert.deepEqual(await reachable(w.head), []);
  const after = (await call(h, w.head, 'GET', `/schools/${w.school.id}/concerns?limit=200`)).json().total as number;
  assert.equal(after, before, 'counts do not move for the head');
  const headMail = await h.db.selectFrom('mail_outbox').select('id').where('to_address', '=', w.head.email.toLowerCase()).execute();
  assert.equal(headMail.length, beforeMail.length, 'no mail to the head');
  const routedMail = await h.db.selectFrom('mail_outbox').select(['to_address', 'subject']).where('subject', 'like', `%${reference}%`).execute();
  assert.deepEqual(routedMail.map((m) => m.to_address).sort(), [w.ceo.email, w.chair.email].map((e) => e.toLowerCase()).sort());
  assert.ok(routedMail.every((m) => m.subject.startsWith('URGENT')));
  // the DSL, deputy and trust safeguarding lead do not see it either; chair and CEO do, fully
  for (const m of [w.dsl, w.deputy, w.tsl]) assert.equal((await call(h, m, 'GET', `/concerns/${id}`)).statusCode, 404);
  const chair = await reachable(w.chair);
  assert.deepEqual(chair, ['get', 'queue', 'list', 'search', 'search-ref', 'chronology', 'incident-log', 'incident-log.csv', 'viewers', 'notes', 'follow-ups', 'transition']);
  assert.equal((await call(h, w.ceo, 'GET', `/concerns/${id}`)).statusCode, 200);
  // the PDF exports come from the same filtered rows; they answer for both
  for (const m of [w.head, w.chair]) {
    const pdf = await call(h, m, 'GET', `/people/${w.pupil.id}/chronology.pdf`);
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal((await call(h, m, 'GET', `/schools/${w.school.id}/incident-log.pdf`)).statusCode, 200);
  }
  const exportsAudited = await h.db.selectFrom('audit_events').select('detail').where('action', '=', 'concern.incident_log_read').execute();
  assert.ok(exportsAudited.some((e) => (e.detail as { format?: string }).format === 'pdf'));
});

test('isolation: another school of the trust and another trust get 404, never data', async () => {
  const { id } = await report(h, w.teacher, w.school.id);
  assert.equal((await call(h, w.otherDsl, 'GET', `/concerns/${id}`)).statusCode, 404);
  assert.equal((await call(h, w.otherDsl, 'GET', `/schools/${w.school.id}/concerns/queue`)).statusCode, 404);
  assert.equal((await call(h, w.otherDsl, 'POST', `/schools/${w.school.id}/concerns`, { ...{} })).statusCode, 400);
  const t2 = await buildTrust(h.db);
  const s2 = await buildSchool(h.db, t2.id);
  const stranger = await member(h, t2.id, s2.id, ['dsl']);
  for (const u of [`/concerns/${id}`, `/schools/${w.school.id}/concerns/queue`, `/schools/${w.school.id}/concerns`, `/schools/${w.school.id}/incident-log`, `/people/${w.pupil.id}/chronology`, `/my-concerns?schoolId=${w.school.id}`]) {
    assert.equal((await call(h, stranger, 'GET', u)).statusCode, 404, u);
  }
  assert.equal((await go(h, stranger, id, { event: 'take' })).statusCode, 404);
  const post = await call(h, stranger, 'POST', `/schools/${w.school.id}/concerns`, {
    whatHappened: 'x', occurredAt: '2026-09-01T07:00:00Z', involved: [], urls: [], area: 'content', type: 'other', toldDslInPerson: false, urgent: false, mayBeIndecentImages: false,
  });
  assert.equal(post.statusCode, 404);
});

test('queue: urgent first, then oldest; closed cases leave it; incident log rows carry the paper columns', async () => {
  const t = await world(h);
  const a = await report(h, t.teacher, t.school.id);
  h.clock.advance(60_000);
  const b = await report(h, t.teacher, t.school.id, { urgent: true });
  h.clock.advance(60_000);
  const c = await report(h, t.teacher, t.school.id);
  await go(h, t.dsl, c.id, { event: 'close_without_action', outcome: 'duplicate', reason: `Same as ${a.reference}` });
  const q = (await call(h, t.dsl, 'GET', `/schools/${t.school.id}/concerns/queue`)).json().concerns as Json[];
  assert.deepEqual(q.map((x) => x.id), [b.id, a.id]);
  const list = (await call(h, t.dsl, 'GET', `/schools/${t.school.id}/concerns?status=closed`)).json() as Json;
  assert.deepEqual([list.total, list.concerns[0].outcome], [1, 'duplicate']);
  const log = (await call(h, t.dsl, 'GET', `/schools/${t.school.id}/incident-log?from=2026-08-01&to=2026-12-31`)).json().rows as Json[];
  assert.equal(log.length, 3);
  assert.deepEqual(Object.keys(log[0] as Json).sort(), ['actionBy', 'actionTaken', 'date', 'incident', 'reference', 'reportedBy', 'time']);
  assert.equal(log[0]?.date, '2026-09-01');
  assert.equal(log[0]?.time, '08:30'); // 07:30 UTC is 08:30 in UK summer time
  assert.match(log[0]?.incident, /^Inappropriate website accessed: /);
  assert.equal((await call(h, t.teacher, 'GET', `/schools/${t.school.id}/incident-log`)).statusCode, 403);
  const matrix = (await call(h, t.dsl, 'GET', `/schools/${t.school.id}/sanctions-matrix`)).json() as Json;
  assert.deepEqual(matrix.pupil.inappropriate_website, ['refer_class_teacher', 'refer_technical', 'warning']);
  const rows = await h.db.selectFrom('sanctions_matrix').select('type').where('school_id', '=', t.school.id).execute();
  assert.equal(rows.length, 24);
});

test('reports made at the same moment are written together: numbered without gaps or repeats, each with its own rows; one that fails takes no number', async () => {
  const numberOf = (ref: string) => Number(ref.split('-').pop());
  const before = await report(h, w.teacher, w.school.id);
  // A report the database refuses, in the middle of a burst: the others must not fail with it.
  await sql`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.what_happened = 'poison' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER concerns_poison BEFORE INSERT ON concerns FOR EACH ROW EXECUTE FUNCTION refuse_poison();`.execute(h.db);
  try {
    const burst = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        i === 7
          ? call(h, w.teacher, 'POST', `/schools/${w.school.id}/concerns`, baseReport({ whatHappened: 'poison' }))
          : call(h, w.teacher, 'POST', `/schools/${w.school.id}/concerns`, baseReport({ whatHappened: `burst ${i}` })),
      ),
    );
    assert.equal(burst[7]?.statusCode, 500);
    const made = burst.filter((_, i) => i !== 7).map((r) => r.json() as { id: string; reference: string });
    assert.ok(burst.every((r, i) => i === 7 || r.statusCode === 201));
    const numbers = made.map((m) => numberOf(m.reference)).sort((a, b) => a - b);
    const first = numberOf(before.reference) + 1;
    assert.deepEqual(numbers, Array.from({ length: 23 }, (_, i) => first + i), 'consecutive, no gap for the refused one, no repeat');
    for (const m of made) {
      const row = await h.db.selectFrom('concerns').select(['reference', 'what_happened']).where('id', '=', m.id).executeTakeFirstOrThrow();
      assert.equal(row.reference, m.reference);
      const timeline = await h.db.selectFrom('concern_timeline').select('text').where('concern_id', '=', m.id).execute();
      assert.deepEqual(timeline.map((t) => t.text), [`Reported (${m.reference})`]);
      const audit = await h.db.selectFrom('audit_events').select('detail').where('record_id', '=', m.id).where('action', '=', 'concern.create').executeTakeFirstOrThrow();
      assert.equal((audit.detail as { reference: string }).reference, m.reference);
      const mails = await h.db.selectFrom('mail_outbox').select('subject').where('text_body', 'like', `%/concerns/${m.id}%`).execute();
      assert.ok(mails.length > 0 && mails.every((x) => x.subject.includes(m.reference)), `mails of ${m.reference}`);
    }
    // The batch linked its audit events into the trust's chain as it wrote them, among events the
    // chainer links afterwards (the reads above): the whole chain still verifies.
    await report(h, w.teacher, w.school.id);
    const verified = await verifyChains(h.db);
    assert.ok(verified.length > 0);
    for (const v of verified) assert.equal(v.broken, null, `chain of ${v.trustId} breaks at ${v.broken?.pos}: ${v.broken?.reason}`);
  } finally {
    await sql`DROP TRIGGER concerns_poison ON concerns; DROP FUNCTION refuse_poison();`.execute(h.db);
  }
});
