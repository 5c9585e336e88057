// Changing the directory by hand: people, parent links, school and trust roles. Permission first,
// then the change and its audit event in one transaction. Roles end; they are never deleted.
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import type { SchoolRole, TrustRole } from '../../platform/auth/roles.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import type { NewPerson, Person, PersonKind, PersonUpdate } from '../../platform/db/schema.ts';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { londonDate } from '../../platform/time.ts';
import { keyStageFor, normaliseUpn, normaliseYearGroup, parseDate, UPN_PATTERN } from './import/model.ts';
import { schoolToManage } from './import/service.ts';
import * as store from './store.ts';

export type PersonInput = {
  kind?: PersonKind | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  preferredName?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  jobTitle?: string | null | undefined;
  upn?: string | null | undefined;
  staffCode?: string | null | undefined;
  dateOfBirth?: string | null | undefined;
  yearGroup?: string | null | undefined;
  registrationGroup?: string | null | undefined;
  send?: boolean | undefined;
  status?: 'active' | 'leaver' | undefined;
};

/** People who can hold a school or trust role: not pupils, not parents. */
const CANNOT_HOLD_ROLES: readonly PersonKind[] = ['pupil', 'parent'];

/** Input to columns, checking codes and dates; only the fields given are set. */
function columnsOf(input: PersonInput): PersonUpdate {
  const set: PersonUpdate = {};
  const blank = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());
  if (input.kind !== undefined) set.kind = input.kind;
  if (input.givenName !== undefined) set.given_name = input.givenName.trim();
  if (input.familyName !== undefined) set.family_name = input.familyName.trim();
  const optional = { preferred_name: input.preferredName, email: input.email, phone: input.phone, job_title: input.jobTitle, registration_group: input.registrationGroup };
  for (const [k, v] of Object.entries(optional)) {
    const b = blank(v);
    if (b !== undefined) (set as Record<string, unknown>)[k] = b;
  }
  const upn = blank(input.upn);
  if (upn !== undefined) {
    const u = upn === null ? null : normaliseUpn(upn);
    if (u !== null && !UPN_PATTERN.test(u)) {
      throw badRequest('upn: a UPN is 13 characters: a letter, 11 digits, then a digit or letter (e.g. A123456789012).', [
        { field: 'upn', message: 'is not a UPN' },
      ]);
    }
    set.upn = u;
  }
  const code = blank(input.staffCode);
  if (code !== undefined) set.staff_code = code === null ? null : code.toUpperCase();
  const dob = blank(input.dateOfBirth);
  if (dob !== undefined) {
    const d = dob === null ? null : parseDate(dob);
    if (dob !== null && !d) {
      throw badRequest('dateOfBirth: that is not a real date. Send it as yyyy-mm-dd, e.g. 2017-03-04.', [{ field: 'dateOfBirth', message: 'not a real date' }]);
    }
    set.date_of_birth = d;
  }
  const yg = blank(input.yearGroup);
  if (yg !== undefined) {
    const y = yg === null ? null : normaliseYearGroup(yg);
    if (yg !== null && !y) {
      throw badRequest('yearGroup: use N (nursery), R (reception) or a number from 1 to 13.', [{ field: 'yearGroup', message: 'not a year group' }]);
    }
    set.year_group = y;
    set.key_stage = y === null ? null : keyStageFor(y);
  }
  if (input.send !== undefined) set.send_flag = input.send;
  return set;
}

async function assertUnique(haven: Haven, trustId: string, schoolId: string | null, set: PersonUpdate, selfId: string | null) {
  if (set.upn) {
    const other = await store.personByUpn(haven.db, trustId, set.upn);
    if (other && other.id !== selfId) throw conflict(`UPN ${set.upn} already belongs to another pupil of the trust. Check the UPN.`);
  }
  if (set.staff_code) {
    const other = await store.personByStaffCode(haven.db, trustId, schoolId, set.staff_code);
    if (other && other.id !== selfId) throw conflict(`Staff code ${set.staff_code} is already used at this school. Choose another code.`);
  }
}

export async function createPerson(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: PersonInput & { kind: PersonKind; givenName: string; familyName: string }) {
  await schoolToManage(haven, p, schoolId);
  const set = columnsOf(input);
  if (input.kind === 'pupil' && !set.year_group) {
    throw badRequest('yearGroup: a pupil needs a year group (N, R or 1 to 13).', [{ field: 'yearGroup', message: 'required for a pupil' }]);
  }
  if (input.kind !== 'pupil' && set.upn) throw badRequest('upn: only pupils have a UPN.', [{ field: 'upn', message: 'only for pupils' }]);
  await assertUnique(haven, p.trustId, schoolId, set, null);
  const now = haven.clock.now();
  const id = newId();
  const row = {
    ...set,
    trust_id: p.trustId,
    id,
    school_id: schoolId,
    kind: input.kind,
    given_name: input.givenName.trim(),
    family_name: input.familyName.trim(),
    status: input.status ?? 'active',
    left_on: input.status === 'leaver' ? londonDate(now) : null,
    created_at: now,
    updated_at: now,
  } as NewPerson;
  await haven.db.transaction().execute(async (tx) => {
    await store.insertPerson(tx, row);
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId,
      action: 'person.created',
      recordType: 'person',
      recordId: id,
      detail: { kind: input.kind, fields: Object.keys(set) },
    });
  });
  return { id };
}

/** The person, when the principal may change them: unseen is 404, seen but not manageable is 403. */
async function personToManage(haven: Haven, p: Principal, personId: string, what = 'That person'): Promise<Person> {
  const person = await store.personById(haven.db, p.trustId, personId);
  const target = { trustId: p.trustId, schoolId: person?.school_id ?? null };
  if (!person || !(can(p, 'people.view', target) || can(p, 'people.manage', target))) throw notFound(what);
  if (!can(p, 'people.manage', target)) throw forbidden('Changing people needs the headteacher, school office or trust administrator role.');
  return person;
}

export async function updatePerson(haven: Haven, p: Principal, actor: ActorRef, personId: string, input: PersonInput) {
  const person = await personToManage(haven, p, personId);
  const set = columnsOf(input);
  const kind = set.kind ?? person.kind;
  if (kind === 'pupil' && person.school_id === null) {
    throw badRequest('kind: a pupil must belong to a school; this person has none.', [{ field: 'kind', message: 'pupil needs a school' }]);
  }
  if (kind !== 'pupil' && (set.upn ?? person.upn)) {
    throw badRequest('upn: only pupils have a UPN. Clear the UPN (upn: null) to change the kind.', [{ field: 'upn', message: 'only for pupils' }]);
  }
  if (set.given_name === '' || set.family_name === '') throw badRequest('Names cannot be empty.');
  await assertUnique(haven, p.trustId, person.school_id, set, person.id);
  const now = haven.clock.now();
  if (input.status !== undefined && input.status !== person.status) {
    set.status = input.status;
    set.left_on = input.status === 'leaver' ? londonDate(now) : null;
  }
  if (Object.keys(set).length === 0) return;
  await haven.db.transaction().execute(async (tx) => {
    await store.updatePersonById(tx, p.trustId, personId, { ...set, updated_at: now });
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: person.school_id,
      action: 'person.updated',
      recordType: 'person',
      recordId: personId,
      // names of the fields only: the audit trail is searchable by more people than may see the values
      detail: { fields: Object.keys(set) },
    });
  });
}

async function pupilAndParent(haven: Haven, p: Principal, pupilId: string, parentId: string) {
  const pupil = await personToManage(haven, p, pupilId, 'That pupil');
  if (pupil.kind !== 'pupil') throw badRequest('Parents are linked to pupils; this person is not a pupil.', [{ field: 'pupilId', message: 'not a pupil' }]);
  const parent = await store.personById(haven.db, p.trustId, parentId);
  // A parent of another school is linked only by someone who may manage that school's people too.
  const reachable =
    parent &&
    (parent.school_id === null || parent.school_id === pupil.school_id || can(p, 'people.manage', { trustId: p.trustId, schoolId: parent.school_id }));
  if (!parent || !reachable) throw notFound('That parent or carer');
  return { pupil, parent };
}

export async function linkParent(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  pupilId: string,
  input: { parentId: string; relationship: string; parentalResponsibility: boolean },
) {
  const { pupil, parent } = await pupilAndParent(haven, p, pupilId, input.parentId);
  if (parent.id === pupil.id || parent.kind === 'pupil') {
    throw badRequest('parentId: a pupil cannot be linked as a parent. Choose the parent or carer.', [{ field: 'parentId', message: 'is a pupil' }]);
  }
  await haven.db.transaction().execute(async (tx) => {
    await store.linkParent(tx, {
      trustId: p.trustId,
      pupilId,
      parentId: parent.id,
      relationship: input.relationship.trim(),
      parentalResponsibility: input.parentalResponsibility,
      at: haven.clock.now(),
    });
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: pupil.school_id,
      action: 'pupil.parent_linked',
      recordType: 'person',
      recordId: pupilId,
      detail: { parentId: parent.id, relationship: input.relationship.trim(), parentalResponsibility: input.parentalResponsibility },
    });
  });
}

export async function unlinkParent(haven: Haven, p: Principal, actor: ActorRef, pupilId: string, parentId: string) {
  const { pupil } = await pupilAndParent(haven, p, pupilId, parentId);
  await haven.db.transaction().execute(async (tx) => {
    if (!(await store.unlinkParent(tx, p.trustId, pupilId, parentId))) throw notFound('That parent link');
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: pupil.school_id,
      action: 'pupil.parent_unlinked',
      recordType: 'person',
      recordId: pupilId,
      detail: { parentId },
    });
  });
}

/** Someone who may hold a role at the school (or trust-wide when schoolId is null). */
async function roleHolder(haven: Haven, p: Principal, personId: string, schoolId: string | null) {
  const person = await store.personById(haven.db, p.trustId, personId);
  // A school role goes to the school's own people or to people with no school (trust staff, IT providers).
  if (!person || (schoolId !== null && person.school_id !== null && person.school_id !== schoolId)) throw notFound('That person');
  if (CANNOT_HOLD_ROLES.includes(person.kind)) {
    throw badRequest(`personId: a ${person.kind} cannot hold a school or trust role.`, [{ field: 'personId', message: `is a ${person.kind}` }]);
  }
  if (person.status === 'leaver') throw badRequest('personId: this person has left. Make them active again first.', [{ field: 'personId', message: 'is a leaver' }]);
  return person;
}

async function grant(haven: Haven, p: Principal, actor: ActorRef, schoolId: string | null, personId: string, role: SchoolRole | TrustRole) {
  await roleHolder(haven, p, personId, schoolId);
  if (await store.liveAssignment(haven.db, p.trustId, personId, schoolId, role)) {
    throw conflict('This person already holds that role here.');
  }
  const id = newId();
  await haven.db.transaction().execute(async (tx) => {
    await store.insertAssignment(tx, { trustId: p.trustId, id, personId, schoolId, role, at: haven.clock.now() });
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId,
      action: 'role.granted',
      recordType: 'role_assignment',
      recordId: id,
      detail: { personId, role },
    });
  });
  return { id };
}

async function endRole(haven: Haven, actor: ActorRef, trustId: string, assignment: { id: string; person_id: string; role: string; school_id: string | null }) {
  await haven.db.transaction().execute(async (tx) => {
    await store.endAssignment(tx, trustId, assignment.id, haven.clock.now());
    await audit(tx, haven, actor, {
      trustId,
      schoolId: assignment.school_id,
      action: 'role.ended',
      recordType: 'role_assignment',
      recordId: assignment.id,
      detail: { personId: assignment.person_id, role: assignment.role },
    });
  });
}

function rolesManageable(p: Principal, schoolId: string | null) {
  if (!can(p, 'roles.manage', { trustId: p.trustId, schoolId })) {
    throw forbidden(schoolId ? 'Giving roles needs the headteacher or trust administrator role.' : 'Giving trust roles needs the trust administrator role.');
  }
}

export async function grantSchoolRole(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, personId: string, role: SchoolRole) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school || !can(p, 'school.view', { trustId: p.trustId, schoolId })) throw notFound('That school');
  rolesManageable(p, schoolId);
  return grant(haven, p, actor, schoolId, personId, role);
}

export async function endSchoolRole(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, assignmentId: string) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school || !can(p, 'school.view', { trustId: p.trustId, schoolId })) throw notFound('That school');
  rolesManageable(p, schoolId);
  const a = await store.assignmentById(haven.db, p.trustId, assignmentId);
  if (!a || a.school_id !== schoolId || a.ended_at) throw notFound('That role');
  await endRole(haven, actor, p.trustId, a);
}

export async function grantTrustRole(haven: Haven, p: Principal, actor: ActorRef, personId: string, role: TrustRole) {
  rolesManageable(p, null);
  return grant(haven, p, actor, null, personId, role);
}

export async function endTrustRole(haven: Haven, p: Principal, actor: ActorRef, assignmentId: string) {
  rolesManageable(p, null);
  const a = await store.assignmentById(haven.db, p.trustId, assignmentId);
  if (!a || a.school_id !== null || a.ended_at) throw notFound('That role');
  await endRole(haven, actor, p.trustId, a);
}
