import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DAY } from '../../platform/clock.ts';
import { buildPerson } from '../../platform/testing/factories.ts';
import { type TestHaven, testHaven } from '../../platform/testing/harness.ts';
import { publishStarter, schoolWithHead, signedIn } from './testing.ts';

let h: TestHaven;
before(async () => {
  h = await testHaven();
});
after(() => h.close());

test('the induction list opens for each new starter (90 days) and for anyone incomplete; complete long-standing staff are not listed', async () => {
  h.clock.set('2027-01-15T09:00:00Z');
  const { trust, school, headAuth, head } = await schoolWithHead(h);
  const { versionId } = await publishStarter(h.app, headAuth, school.id, 'staff');
  const startedOn = async (personId: string, at: string) => {
    await h.db.updateTable('people').set({ created_at: at }).where('trust_id', '=', trust.id).where('id', '=', personId).execute();
  };
  const complete = async (u: { personId: string; auth: { headers: Record<string, string> } }) => {
    assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/my-agreements/${versionId}/accept`, headers: u.auth.headers, payload: { scrolledToEnd: true } })).statusCode, 201);
    for (const item of ['policyRead', 'trainingRecorded']) {
      assert.equal((await h.app.inject({ method: 'POST', url: `/api/v1/people/${u.personId}/induction/${item}`, headers: headAuth.headers, payload: { done: true } })).statusCode, 204);
    }
  };

  const veteran = await signedIn(h, trust.id, school.id, ['teacher']);
  await startedOn(veteran.personId, '2019-09-01T08:00:00Z');
  await complete(veteran);
  const veteranNoTraining = await buildPerson(h.db, trust.id, { school_id: school.id, kind: 'staff', created_at: '2019-09-01T08:00:00Z' });
  const starter = await signedIn(h, trust.id, school.id, ['teacher']);
  await startedOn(starter.personId, '2026-12-16T08:00:00Z'); // 30 days before "today"
  await complete(starter);
  await startedOn(head.personId, '2018-01-01T08:00:00Z');

  const ids = async (auth: { headers: Record<string, string> }) => {
    const res = await h.app.inject({ url: `/api/v1/schools/${school.id}/induction`, headers: auth.headers });
    assert.equal(res.statusCode, 200);
    return (res.json().staff as { personId: string; complete: boolean; startedOn: string }[]).map((s) => [s.personId, s.complete, s.startedOn]);
  };
  assert.deepEqual(await ids(headAuth), [
    // Incomplete first (the head has not done theirs either), then the new starter who is done.
    [veteranNoTraining.id, false, '2019-09-01'],
    [head.personId, false, '2018-01-01'],
    [starter.personId, true, '2026-12-16'],
  ]);

  // 61 days later the new starter has been here more than 90 days and is complete: off the list.
  h.clock.advance(61 * DAY);
  const laterHead = await signedIn(h, trust.id, school.id, ['headteacher']);
  const later = await ids(laterHead.auth);
  assert.equal(
    later.some(([id]) => id === starter.personId),
    false,
  );
  assert.equal(
    later.some(([id]) => id === veteran.personId),
    false,
  );
  assert.ok(later.some(([id]) => id === veteranNoTraining.id));
  // A brand-new member of staff appears without anyone opening a checklist for them.
  assert.ok(later.some(([id, done]) => id === laterHead.personId && done === false));
});
