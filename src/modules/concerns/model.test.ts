import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ACTIONS,
  accessOf,
  allowedTransitions,
  type CaseAudience,
  type CaseState,
  deviation,
  type Event,
  EVENTS,
  type EventName,
  formatReference,
  isRepeated,
  mayListViewers,
  notifiedRoles,
  PUPIL_ACTIONS,
  proposeActions,
  routingOf,
  STAFF_ACTIONS,
  STARTER_PUPIL_MATRIX,
  STARTER_STAFF_MATRIX,
  schoolPrefix,
  termOf,
  TYPES,
  transition,
  type Viewer,
} from './model.ts';

const base: CaseState = {
  status: 'new',
  path: null,
  outcome: null,
  ownerPersonId: null,
  viewingStopped: false,
  deviceIsolated: false,
  hasReferral: false,
  attendees: [],
  actionsRecorded: false,
};
const at = (over: Partial<CaseState>): CaseState => ({ ...base, ...over });
const ok = (s: CaseState, e: Event, who = 'me') => {
  const d = transition(s, e, who);
  assert.ok(d.ok, `${e.event} from ${s.status}/${s.path} should pass: ${d.ok ? '' : d.reason}`);
  return d.state;
};
const no = (s: CaseState, e: Event, field?: string) => {
  const d = transition(s, e, 'me');
  assert.equal(d.ok, false, `${e.event} from ${s.status}/${s.path} should be refused`);
  if (field && !d.ok) assert.equal(d.field, field);
};

/** A valid example of every event, so the sweep below can try each from every state. */
const sample: Record<EventName, Event> = {
  take: { event: 'take' },
  assign: { event: 'assign', ownerPersonId: 'other' },
  suspect_illegal: { event: 'suspect_illegal' },
  record_containment: { event: 'record_containment', viewingStopped: true, deviceIsolated: true },
  record_referral: { event: 'record_referral', agency: 'police', reference: 'CR/1', referredAt: new Date() },
  complete_referral: { event: 'complete_referral' },
  start_investigation: { event: 'start_investigation' },
  record_attendees: { event: 'record_attendees', attendees: [] },
  save_findings: { event: 'save_findings', findings: 'x', judgement: 'substantiated' },
  record_actions: { event: 'record_actions', actions: ['warning'], deviationNeedsReason: false },
  close: { event: 'close', feedback: 'f', lessonsLearned: 'l' },
  close_without_action: { event: 'close_without_action', outcome: 'duplicate', reason: 'same as ABP-0001' },
  set_type: { event: 'set_type', type: 'cyberbullying', area: 'conduct' },
  set_urgency: { event: 'set_urgency', urgent: true },
};

const STATES: CaseState[] = [
  at({ status: 'new' }),
  at({ status: 'triage' }),
  at({ status: 'investigating', path: 'illegal' }),
  at({ status: 'investigating', path: 'investigation' }),
  at({ status: 'actions', path: 'investigation' }),
  at({ status: 'closed', path: 'investigation' }),
];

const EXPECTED: Record<string, EventName[]> = {
  'new/null': ['take', 'assign', 'close_without_action', 'set_type', 'set_urgency'],
  'triage/null': ['assign', 'suspect_illegal', 'start_investigation', 'close_without_action', 'set_type', 'set_urgency'],
  'investigating/illegal': ['assign', 'record_containment', 'record_referral', 'complete_referral', 'set_type', 'set_urgency'],
  'investigating/investigation': ['assign', 'record_attendees', 'save_findings', 'set_type', 'set_urgency'],
  'actions/investigation': ['assign', 'record_actions', 'close', 'set_type', 'set_urgency'],
  'closed/investigation': [],
};

test('allowedTransitions lists exactly the events each state accepts', () => {
  for (const s of STATES) {
    const key = `${s.status}/${s.path}`;
    assert.deepEqual([...allowedTransitions(s)].sort(), [...(EXPECTED[key] ?? [])].sort(), key);
  }
});

test('every event outside allowedTransitions is refused from every state, with a reason', () => {
  let refused = 0;
  for (const s of STATES) {
    for (const e of EVENTS) {
      if (allowedTransitions(s).includes(e)) continue;
      const d = transition(s, sample[e], 'me');
      assert.equal(d.ok, false, `${e} from ${s.status}/${s.path}`);
      if (!d.ok) assert.ok(d.reason.length > 10);
      refused++;
    }
  }
  assert.equal(refused, STATES.length * EVENTS.length - Object.values(EXPECTED).flat().length);
});

test('take: new → triage, owned by the caller unless someone else is named', () => {
  assert.deepEqual(ok(base, { event: 'take' }, 'dsl-1'), at({ status: 'triage', ownerPersonId: 'dsl-1' }));
  assert.equal(ok(base, { event: 'take', ownerPersonId: 'deputy' }, 'dsl-1').ownerPersonId, 'deputy');
});

test('assign changes the owner in any open state and keeps the status', () => {
  for (const s of STATES.filter((x) => x.status !== 'closed')) {
    const next = ok(s, { event: 'assign', ownerPersonId: 'p2' });
    assert.equal(next.ownerPersonId, 'p2');
    assert.equal(next.status, s.status);
  }
  no(at({ status: 'triage' }), { event: 'assign', ownerPersonId: ' ' }, 'ownerPersonId');
});

test('illegal path: containment and referral are both needed before it moves to actions as referred', () => {
  const triage = at({ status: 'triage', ownerPersonId: 'me' });
  const ill = ok(triage, { event: 'suspect_illegal' });
  assert.equal(ill.status, 'investigating');
  assert.equal(ill.path, 'illegal');
  no(ill, { event: 'complete_referral' }, 'containment');
  no(ill, { event: 'record_containment', viewingStopped: false, deviceIsolated: true }, 'viewingStopped');
  no(ill, { event: 'record_containment', viewingStopped: true, deviceIsolated: false }, 'deviceIsolated');
  const contained = ok(ill, { event: 'record_containment', viewingStopped: true, deviceIsolated: true });
  assert.equal(contained.viewingStopped && contained.deviceIsolated, true);
  no(contained, { event: 'complete_referral' }, 'referral');
  no(contained, { event: 'record_referral', agency: 'ceop', reference: '  ', referredAt: new Date() }, 'reference');
  const referred = ok(contained, { event: 'record_referral', agency: 'ceop', reference: 'C-77', referredAt: new Date() });
  const done = ok(referred, { event: 'complete_referral' });
  assert.equal(done.status, 'actions');
  assert.equal(done.outcome, 'referred');
  // referral first, containment second works too
  const other = ok(ok(ok(ill, sample.record_referral), sample.record_containment), { event: 'complete_referral' });
  assert.equal(other.status, 'actions');
});

test('investigation: findings need two distinct senior attendees, then the judgement becomes the outcome', () => {
  const inv = ok(at({ status: 'triage' }), { event: 'start_investigation' });
  assert.deepEqual([inv.status, inv.path], ['investigating', 'investigation']);
  no(inv, sample.save_findings, 'attendeePersonIds');
  const oneSenior = ok(inv, {
    event: 'record_attendees',
    attendees: [
      { personId: 'a', senior: true },
      { personId: 'b', senior: false },
      { personId: 'a', senior: true },
    ],
  });
  no(oneSenior, sample.save_findings, 'attendeePersonIds');
  const two = ok(inv, { event: 'record_attendees', attendees: [{ personId: 'a', senior: true }, { personId: 'c', senior: true }] });
  no(two, { event: 'save_findings', findings: ' ', judgement: 'substantiated' }, 'findings');
  const judged = ok(two, { event: 'save_findings', findings: 'Visited the site twice', judgement: 'not_substantiated' });
  assert.deepEqual([judged.status, judged.outcome], ['actions', 'not_substantiated']);
});

test('actions: a deviation from the matrix needs a reason; closing needs actions, feedback and lessons', () => {
  const s = at({ status: 'actions', path: 'investigation', outcome: 'substantiated' });
  no(s, { event: 'record_actions', actions: [], deviationNeedsReason: false }, 'actions');
  no(s, { event: 'record_actions', actions: ['warning'], deviationNeedsReason: true }, 'deviationReason');
  no(s, { event: 'record_actions', actions: ['warning'], deviationNeedsReason: true, deviationReason: '  ' }, 'deviationReason');
  assert.equal(ok(s, { event: 'record_actions', actions: ['warning'], deviationNeedsReason: true, deviationReason: 'first offence' }).actionsRecorded, true);
  no(s, sample.close, 'actions');
  const recorded = ok(s, sample.record_actions);
  no(recorded, { event: 'close', feedback: '', lessonsLearned: 'l' }, 'feedback');
  no(recorded, { event: 'close', feedback: 'f', lessonsLearned: '' }, 'lessonsLearned');
  no(recorded, { event: 'close', feedback: 'f', lessonsLearned: 'l', outcome: 'duplicate' }, 'outcome');
  const closed = ok(recorded, sample.close);
  assert.deepEqual([closed.status, closed.outcome], ['closed', 'substantiated']);
  assert.deepEqual(allowedTransitions(closed), []);
});

test('close without action from new or triage needs a reason and sets the outcome', () => {
  for (const s of [at({ status: 'new' }), at({ status: 'triage' })]) {
    no(s, { event: 'close_without_action', outcome: 'no_further_action', reason: '' }, 'reason');
    const c = ok(s, { event: 'close_without_action', outcome: 'no_further_action', reason: 'Filter test by IT' });
    assert.deepEqual([c.status, c.outcome], ['closed', 'no_further_action']);
  }
});

test('set_type and set_urgency leave the workflow where it is', () => {
  const s = at({ status: 'investigating', path: 'investigation' });
  assert.deepEqual(ok(s, sample.set_type), s);
  assert.deepEqual(ok(s, sample.set_urgency), s);
});

test('starter matrices cover every type, and use only the actions of their subject', () => {
  for (const t of TYPES) {
    assert.ok(STARTER_PUPIL_MATRIX[t].length > 0, t);
    assert.ok(STARTER_STAFF_MATRIX[t].length > 0, t);
    for (const a of STARTER_PUPIL_MATRIX[t]) assert.ok(PUPIL_ACTIONS.includes(a), `${t} pupil ${a}`);
    for (const a of STARTER_STAFF_MATRIX[t]) assert.ok(STAFF_ACTIONS.includes(a), `${t} staff ${a}`);
  }
  assert.ok(STARTER_PUPIL_MATRIX.illegal_content.includes('refer_police'));
  assert.ok(STARTER_STAFF_MATRIX.illegal_content.includes('refer_police'));
});

test('proposeActions follows the matrix and escalates a repeated concern; deviation finds both kinds of difference', () => {
  assert.deepEqual(proposeActions(STARTER_PUPIL_MATRIX, 'inappropriate_website', false, 'pupil'), ['refer_class_teacher', 'refer_technical', 'warning']);
  assert.deepEqual(proposeActions(STARTER_PUPIL_MATRIX, 'inappropriate_website', true, 'pupil'), [
    'refer_class_teacher',
    'refer_headteacher',
    'refer_technical',
    'inform_parents',
    'remove_network_access',
    'warning',
    'further_sanction',
  ]);
  assert.deepEqual(proposeActions(STARTER_STAFF_MATRIX, 'other', true, 'staff'), ['refer_headteacher', 'refer_hr', 'disciplinary_action']);
  assert.deepEqual(deviation(['warning', 'inform_parents'], ['inform_parents', 'warning']), { missing: [], extra: [], deviates: false });
  assert.deepEqual(deviation(['warning', 'inform_parents'], ['warning']), { missing: ['inform_parents'], extra: [], deviates: true });
  assert.deepEqual(deviation(['warning'], ['warning', 'suspension']), { missing: [], extra: ['suspension'], deviates: true });
  assert.equal(ACTIONS.length, 13);
});

const T = 'trust';
const S = 'school';
const aud = (over: Partial<CaseAudience> = {}): CaseAudience => ({
  trustId: T,
  schoolId: S,
  reporterPersonId: 'reporter',
  staffSubjectIds: [],
  aboutHeadteacher: false,
  sharedWith: [],
  ...over,
});
const v = (personId: string, ...grants: [Viewer['grants'][number]['role'], string | null][]): Viewer => ({
  trustId: T,
  personId,
  grants: grants.map(([role, schoolId]) => ({ role, schoolId })),
});

test('an ordinary concern is seen by the school responders, not by other staff or other schools', () => {
  const a = aud();
  assert.equal(routingOf(a), 'ordinary');
  for (const role of ['dsl', 'deputy_dsl', 'online_safety_lead', 'headteacher'] as const) assert.equal(accessOf(v('x', [role, S]), a), 'respond', role);
  assert.equal(accessOf(v('x', ['trust_safeguarding_lead', null]), a), 'respond');
  assert.equal(accessOf(v('x', ['dsl', 'other-school']), a), 'none');
  assert.equal(accessOf(v('x', ['teacher', S]), a), 'none');
  assert.equal(accessOf(v('x', ['chair_of_governors', S]), a), 'none');
  assert.equal(accessOf({ ...v('x', ['dsl', S]), trustId: 'other' }, a), 'none');
  assert.equal(accessOf(v('reporter', ['teacher', S]), a), 'reporter');
  assert.equal(accessOf(v('friend', ['teacher', S]), aud({ sharedWith: ['friend'] })), 'shared');
  assert.deepEqual(notifiedRoles('ordinary'), ['dsl', 'deputy_dsl']);
});

test('a concern about staff goes to the headteacher and trust safeguarding lead only; the subject never sees it', () => {
  const a = aud({ staffSubjectIds: ['teacher-x'] });
  assert.equal(routingOf(a), 'about_staff');
  assert.equal(accessOf(v('h', ['headteacher', S]), a), 'respond');
  assert.equal(accessOf(v('t', ['trust_safeguarding_lead', null]), a), 'respond');
  assert.equal(accessOf(v('d', ['dsl', S]), a), 'none');
  assert.equal(accessOf(v('d', ['deputy_dsl', S]), a), 'none');
  assert.equal(accessOf(v('o', ['online_safety_lead', S]), a), 'none');
  assert.equal(accessOf(v('teacher-x', ['dsl', S]), a), 'none');
  // a share does not reach the subject
  assert.equal(accessOf(v('teacher-x', ['teacher', S]), aud({ staffSubjectIds: ['teacher-x'], sharedWith: ['teacher-x'] })), 'none');
  assert.equal(accessOf(v('d', ['dsl', S]), aud({ staffSubjectIds: ['teacher-x'], sharedWith: ['d'] })), 'shared');
  assert.deepEqual(notifiedRoles('about_staff'), ['headteacher', 'trust_safeguarding_lead']);
});

test('a concern about the headteacher goes to the chair and the trust CEO and is invisible to the head', () => {
  const a = aud({ staffSubjectIds: ['head'], aboutHeadteacher: true });
  assert.equal(routingOf(a), 'about_headteacher');
  assert.equal(accessOf(v('head', ['headteacher', S]), a), 'none');
  assert.equal(accessOf(v('chair', ['chair_of_governors', S]), a), 'respond');
  assert.equal(accessOf(v('ceo', ['trust_ceo', null]), a), 'respond');
  assert.equal(accessOf(v('d', ['dsl', S]), a), 'none');
  assert.equal(accessOf(v('tsl', ['trust_safeguarding_lead', null]), a), 'none');
  // even as reporter or with a share, the head gets nothing
  assert.equal(accessOf(v('head', ['headteacher', S]), { ...a, reporterPersonId: 'head', sharedWith: ['head'] }), 'none');
  assert.deepEqual(notifiedRoles('about_headteacher'), ['chair_of_governors', 'trust_ceo']);
});

test('who viewed a case: the DSL for ordinary cases, the routed people for allegations', () => {
  assert.equal(mayListViewers(v('d', ['dsl', S]), aud()), true);
  assert.equal(mayListViewers(v('d', ['deputy_dsl', S]), aud()), false);
  assert.equal(mayListViewers(v('h', ['headteacher', S]), aud({ staffSubjectIds: ['x'] })), true);
  assert.equal(mayListViewers(v('d', ['dsl', S]), aud({ sharedWith: ['d'], staffSubjectIds: ['x'] })), false);
});

test('terms: autumn Sep–Dec, spring Jan–Mar, summer Apr–Aug', () => {
  assert.equal(termOf(new Date('2026-09-01T00:00:00Z')).name, 'autumn');
  assert.equal(termOf(new Date('2026-12-31T23:59:59Z')).name, 'autumn');
  assert.equal(termOf(new Date('2027-01-01T00:00:00Z')).name, 'spring');
  assert.equal(termOf(new Date('2027-03-31T12:00:00Z')).name, 'spring');
  assert.equal(termOf(new Date('2027-04-01T00:00:00Z')).name, 'summer');
  assert.equal(termOf(new Date('2027-08-31T12:00:00Z')).name, 'summer');
  assert.deepEqual(termOf(new Date('2026-10-10T00:00:00Z')).start, new Date('2026-09-01T00:00:00Z'));
});

test('the third concern of a type in one term is repeated; earlier terms do not count', () => {
  const d = (s: string) => new Date(s);
  assert.equal(isRepeated(d('2026-11-01'), [d('2026-09-10')]), false);
  assert.equal(isRepeated(d('2026-11-01'), [d('2026-09-10'), d('2026-10-10')]), true);
  assert.equal(isRepeated(d('2027-01-05'), [d('2026-09-10'), d('2026-12-10')]), false);
  assert.equal(isRepeated(d('2027-03-30'), [d('2027-01-10'), d('2027-04-02'), d('2026-12-31')]), false);
});

test('references use the school initials and a four-digit counter', () => {
  assert.equal(schoolPrefix('Ash Brook Primary'), 'ABP');
  assert.equal(schoolPrefix("St Peter's CE Primary School"), 'SPSP');
  assert.equal(schoolPrefix('123'), 'SCH');
  assert.equal(formatReference('ABP', 1), 'ABP-0001');
  assert.equal(formatReference('ABP', 12345), 'ABP-12345');
});
