import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AUDIENCES,
  CONSENT_LABELS,
  CONSENT_PURPOSES,
  type Candidate,
  currentConsent,
  GROUP_KINDS_FOR,
  groupLabel,
  groupsProblem,
  inductionComplete,
  inGroup,
  kioskName,
  looksLikeToken,
  mustNotAppear,
  newToken,
  progressOf,
  reminderDue,
  STARTER_TEXTS,
  stateOf,
  tokenHash,
  tokenState,
} from './model.ts';

test('every audience has a starter text with a title; the early-years one is short and simple', () => {
  for (const a of AUDIENCES) {
    assert.ok(STARTER_TEXTS[a].title.length > 5, a);
    assert.ok(STARTER_TEXTS[a].text.length > 100, a);
    assert.ok(GROUP_KINDS_FOR[a].length > 0, a);
  }
  const early = STARTER_TEXTS.pupil_early.text;
  assert.ok(early.split(/\s+/).length < 90, 'early years text stays short');
  const longest = Math.max(...early.split(/[\s,.:-]+/).map((w) => w.length));
  assert.ok(longest <= 9, `no long words for young readers (longest ${longest})`);
});

test('the fourteen consent purposes each have a label', () => {
  assert.equal(CONSENT_PURPOSES.length, 14);
  for (const p of CONSENT_PURPOSES) assert.ok(CONSENT_LABELS[p].length > 5);
});

const person = (over: Partial<Candidate>): Candidate => ({ id: 'x', kind: 'pupil', status: 'active', yearGroup: '4', registrationGroup: '4B', ...over });

test('group membership follows the directory: kind, year, class, active only', () => {
  assert.equal(inGroup({ kind: 'staff' }, person({ kind: 'staff' })), true);
  assert.equal(inGroup({ kind: 'staff' }, person({ kind: 'volunteer' })), true);
  assert.equal(inGroup({ kind: 'staff' }, person({ kind: 'parent' })), false);
  assert.equal(inGroup({ kind: 'staff' }, person({ kind: 'staff', status: 'leaver' })), false);
  assert.equal(inGroup({ kind: 'year', yearGroup: '4' }, person({})), true);
  assert.equal(inGroup({ kind: 'year', yearGroup: '5' }, person({})), false);
  assert.equal(inGroup({ kind: 'class', registrationGroup: '4B' }, person({})), true);
  assert.equal(inGroup({ kind: 'class', registrationGroup: '4C' }, person({})), false);
  assert.equal(inGroup({ kind: 'parents' }, person({})), true, 'a parents\u2019 group counts pupils');
  assert.equal(inGroup({ kind: 'parents', yearGroup: '6' }, person({})), false);
  assert.equal(inGroup({ kind: 'community' }, person({ kind: 'community' })), true);
  assert.equal(groupLabel({ kind: 'parents', yearGroup: '4' }), 'Parents of year 4');
  assert.equal(groupLabel({ kind: 'class', registrationGroup: '4B' }), 'Class 4B');
});

test('groups must fit the audience', () => {
  assert.equal(groupsProblem('staff', [{ kind: 'staff' }]), null);
  assert.match(groupsProblem('staff', [{ kind: 'class', registrationGroup: '4B' }]) ?? '', /staff/);
  assert.match(groupsProblem('parent', [{ kind: 'year', yearGroup: '4' }]) ?? '', /parents/);
  assert.equal(groupsProblem('pupil_early', [{ kind: 'year', yearGroup: 'R' }, { kind: 'class', registrationGroup: '1A' }]), null);
  assert.match(groupsProblem('pupil_upper', []) ?? '', /at least one/);
});

const t = (iso: string) => new Date(iso);
test('the latest acceptance decides; a withdrawn one counts as withdrawn, a later one as accepted again', () => {
  const a1 = { id: 'a1', personId: 'p', at: t('2026-09-01T09:00Z'), method: 'in_app' as const, recordedBy: 'x', withdrawnAt: t('2026-09-03T09:00Z'), withdrawReason: 'r' };
  const a2 = { ...a1, id: 'a2', at: t('2026-09-05T09:00Z'), withdrawnAt: null, withdrawReason: null };
  assert.equal(stateOf([]).state, 'outstanding');
  assert.equal(stateOf([a1]).state, 'withdrawn');
  assert.equal(stateOf([a2, a1]).state, 'accepted');
  assert.equal(stateOf([a1, a2]).acceptance?.id, 'a2');
  assert.deepEqual(progressOf([stateOf([]), stateOf([a1]), stateOf([a2])]), { required: 3, accepted: 1, withdrawn: 1 });
});

test('current consent is the latest record; only a current yes may appear', () => {
  assert.equal(currentConsent([]), null);
  const yes = { id: '1', value: true, at: t('2026-09-01T09:00Z') };
  const no = { id: '2', value: false, at: t('2026-09-02T09:00Z') };
  assert.equal(currentConsent([yes, no]), false);
  assert.equal(currentConsent([no, yes]), false, 'order of the list does not matter');
  assert.equal(currentConsent([yes]), true);
  assert.equal(currentConsent([{ ...yes, id: '9', at: no.at }, no]), true, 'same instant: the later id wins');
  assert.equal(mustNotAppear(null), true);
  assert.equal(mustNotAppear(false), true);
  assert.equal(mustNotAppear(true), false);
});

test('reminders every N days from the start or the last reminder, up to the due date', () => {
  const c = { createdAt: t('2026-09-01T08:00Z'), dueOn: '2026-09-10', reminderDays: 3, lastRemindedAt: null };
  assert.equal(reminderDue(c, t('2026-09-03T07:30Z')), false);
  assert.equal(reminderDue(c, t('2026-09-04T07:30Z')), true, 'calendar days, not hours');
  assert.equal(reminderDue({ ...c, lastRemindedAt: t('2026-09-04T07:30Z') }, t('2026-09-06T07:30Z')), false);
  assert.equal(reminderDue({ ...c, lastRemindedAt: t('2026-09-04T07:30Z') }, t('2026-09-07T07:30Z')), true);
  assert.equal(reminderDue({ ...c, lastRemindedAt: t('2026-09-07T07:30Z') }, t('2026-09-10T07:30Z')), true, 'on the due date');
  assert.equal(reminderDue({ ...c, lastRemindedAt: t('2026-09-07T07:30Z') }, t('2026-09-11T07:30Z')), false, 'never after it');
});

test('tokens: 32 random bytes base64url, sha256 stored, single use and expiry', () => {
  const a = newToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, newToken());
  assert.equal(looksLikeToken(a), true);
  assert.equal(looksLikeToken(`${a}x`), false);
  assert.equal(looksLikeToken('../etc'), false);
  assert.match(tokenHash(a), /^[0-9a-f]{64}$/);
  assert.notEqual(tokenHash(a), a);
  const now = t('2026-09-01T08:00Z');
  assert.equal(tokenState({ expiresAt: t('2026-09-15T08:00Z'), usedAt: null }, now), 'valid');
  assert.equal(tokenState({ expiresAt: t('2026-09-15T08:00Z'), usedAt: now }, now), 'used');
  assert.equal(tokenState({ expiresAt: now, usedAt: null }, now), 'expired');
});

test('induction is complete only with all four items; kiosk names show first name and initial', () => {
  const all = { policyRead: true, agreementAccepted: true, trainingRecorded: true, accountIssued: true };
  assert.equal(inductionComplete(all), true);
  for (const k of Object.keys(all)) assert.equal(inductionComplete({ ...all, [k]: false }), false, k);
  assert.deepEqual(kioskName({ givenName: 'Robert', preferredName: 'Bob', familyName: 'smith' }), { firstName: 'Bob', lastInitial: 'S' });
});

test('the induction list holds new starters and anyone incomplete; complete long-standing staff drop off', async () => {
  const { onInductionList, INDUCTION_NEW_STARTER_DAYS } = await import('./model.ts');
  const now = new Date('2026-11-23T12:00:00Z');
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000);
  assert.equal(INDUCTION_NEW_STARTER_DAYS, 90);
  assert.equal(onInductionList({ startedAt: daysAgo(10), complete: true }, now), true);
  assert.equal(onInductionList({ startedAt: daysAgo(89), complete: true }, now), true);
  assert.equal(onInductionList({ startedAt: daysAgo(90), complete: true }, now), false);
  assert.equal(onInductionList({ startedAt: daysAgo(400), complete: true }, now), false);
  assert.equal(onInductionList({ startedAt: daysAgo(400), complete: false }, now), true);
});
