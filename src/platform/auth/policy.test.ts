import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIONS, type Action, can, type Principal } from './policy.ts';

const T = 'trust-a';
const A = 'school-a';
const B = 'school-b';
const who = (grants: Principal['grants'], extra: Partial<Principal> = {}): Principal => ({
  accountId: 'acc',
  label: 'x',
  email: 'x@example.test',
  trustId: T,
  personId: 'p',
  grants,
  ...extra,
});

test('deny by default: no grants, no actions', () => {
  for (const action of Object.keys(ACTIONS) as Action[]) {
    assert.equal(can(who([]), action, { trustId: T, schoolId: A }), false, action);
  }
});

test('another trust is never reachable, whatever the roles', () => {
  const admin = who([{ role: 'trust_admin', schoolId: null }]);
  for (const action of Object.keys(ACTIONS) as Action[]) {
    assert.equal(can(admin, action, { trustId: 'trust-b', schoolId: A }), false, action);
  }
});

test('a school role covers its school only; a trust role covers every school of the trust', () => {
  const head = who([{ role: 'headteacher', schoolId: A }]);
  assert.equal(can(head, 'people.manage', { trustId: T, schoolId: A }), true);
  assert.equal(can(head, 'people.manage', { trustId: T, schoolId: B }), false);
  assert.equal(can(head, 'people.manage', { trustId: T, schoolId: null }), false);
  const admin = who([{ role: 'trust_admin', schoolId: null }]);
  assert.equal(can(admin, 'people.manage', { trustId: T, schoolId: B }), true);
  assert.equal(can(admin, 'trust.manage', { trustId: T, schoolId: null }), true);
});

test('a teacher sees the directory but not sensitive pupil details, and cannot manage people', () => {
  const teacher = who([{ role: 'teacher', schoolId: A }]);
  assert.equal(can(teacher, 'people.view', { trustId: T, schoolId: A }), true);
  assert.equal(can(teacher, 'people.view_sensitive', { trustId: T, schoolId: A }), false);
  assert.equal(can(teacher, 'people.manage', { trustId: T, schoolId: A }), false);
  assert.equal(can(teacher, 'audit.view', { trustId: T, schoolId: A }), false);
});

test('governors see no pupil directory (they get anonymised reports only)', () => {
  const governor = who([
    { role: 'online_safety_governor', schoolId: A },
    { role: 'chair_of_governors', schoolId: A },
  ]);
  assert.equal(can(governor, 'people.view', { trustId: T, schoolId: A }), false);
});

test('an API token is limited by its scopes and its school even when the account could do more', () => {
  const admin = [{ role: 'trust_admin' as const, schoolId: null }];
  const readOnly = who(admin, { scopes: ['people:read'] });
  assert.equal(can(readOnly, 'people.view', { trustId: T, schoolId: A }), true);
  assert.equal(can(readOnly, 'people.manage', { trustId: T, schoolId: A }), false);
  const oneSchool = who(admin, { scopes: ['people:read', 'people:write'], tokenSchoolId: A });
  assert.equal(can(oneSchool, 'people.manage', { trustId: T, schoolId: A }), true);
  assert.equal(can(oneSchool, 'people.manage', { trustId: T, schoolId: B }), false);
});
