// Directory use cases: permission first, then the query; every sensitive read is audited.
import { audit } from '../../platform/audit/service.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import { ROLE_LABELS, type Role, WHO_TO_TELL } from '../../platform/auth/roles.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import * as store from './store.ts';

export async function listSchools(haven: Haven, p: Principal) {
  const schools = await store.schoolsOfTrust(haven.db, p.trustId);
  return schools.filter((s) => can(p, 'school.view', { trustId: p.trustId, schoolId: s.id }));
}

async function requireSchool(haven: Haven, p: Principal, schoolId: string, action: 'school.view' | 'people.view') {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  // Another trust's school, or one this person has no part in, is simply not there for them.
  if (!school || !can(p, 'school.view', { trustId: p.trustId, schoolId })) throw notFound('That school');
  if (!can(p, action, { trustId: p.trustId, schoolId })) throw forbidden();
  return school;
}

export async function whoToTell(haven: Haven, p: Principal, schoolId: string) {
  const school = await requireSchool(haven, p, schoolId, 'school.view');
  const rows = await store.roleHolders(haven.db, p.trustId, schoolId);
  const order = (r: string) => {
    const i = WHO_TO_TELL.indexOf(r as Role);
    return i === -1 ? 100 : i;
  };
  return {
    school: { id: school.id, name: school.name },
    holders: rows
      .map((r) => ({
        role: r.role,
        label: ROLE_LABELS[r.role as Role] ?? r.role,
        trustWide: r.school_id === null,
        personId: r.person_id,
        name: `${r.given_name} ${r.family_name}`,
        jobTitle: r.job_title,
        email: r.email,
        phone: r.phone,
      }))
      .sort((a, b) => order(a.role) - order(b.role) || a.label.localeCompare(b.label)),
  };
}

export async function searchPeople(haven: Haven, p: Principal, query: Omit<store.PeopleQuery, 'trustId'>) {
  await requireSchool(haven, p, query.schoolId, 'people.view');
  return store.searchPeople(haven.db, { ...query, trustId: p.trustId });
}

/** A person's full record. Pupils' records are sensitive: the read is audited and needs the right. */
export async function getPerson(haven: Haven, p: Principal, actor: ActorRef, personId: string) {
  const person = await store.personById(haven.db, p.trustId, personId);
  if (!person) throw notFound('That person');
  const schoolId = person.school_id;
  const roles = await store.rolesOf(haven.db, p.trustId, personId);
  const schoolsOfPerson = new Set([schoolId, ...roles.map((r) => r.school_id)]);
  const visible = [...schoolsOfPerson].some((s) => can(p, 'people.view', { trustId: p.trustId, schoolId: s }));
  if (!visible) throw notFound('That person');
  const sensitive = [...schoolsOfPerson].some((s) => can(p, 'people.view_sensitive', { trustId: p.trustId, schoolId: s }));
  const base = {
    id: person.id,
    schoolId,
    kind: person.kind,
    givenName: person.given_name,
    familyName: person.family_name,
    preferredName: person.preferred_name,
    jobTitle: person.job_title,
    organisation: person.organisation,
    yearGroup: person.year_group,
    registrationGroup: person.registration_group,
    keyStage: person.key_stage,
    status: person.status,
    email: person.kind === 'pupil' ? null : person.email,
    roles: roles.map((r) => ({ role: r.role, label: ROLE_LABELS[r.role as Role] ?? r.role, schoolId: r.school_id })),
  };
  if (!sensitive) return { ...base, sensitive: null };
  const [parents, children] = await Promise.all([
    person.kind === 'pupil' ? store.parentsOf(haven.db, p.trustId, personId) : [],
    person.kind === 'parent' ? store.childrenOf(haven.db, p.trustId, personId) : [],
  ]);
  await haven.db.transaction().execute((tx) =>
    audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId,
      action: 'person.read_sensitive',
      recordType: 'person',
      recordId: personId,
    }),
  );
  return {
    ...base,
    sensitive: {
      upn: person.upn,
      staffCode: person.staff_code,
      dateOfBirth: person.date_of_birth,
      sendFlag: person.send_flag,
      sendStatus: person.send_status,
      email: person.email,
      phone: person.phone,
      leftOn: person.left_on,
      parents: parents.map((x) => ({
        id: x.id,
        name: `${x.given_name} ${x.family_name}`,
        email: x.email,
        phone: x.phone,
        relationship: x.relationship,
        parentalResponsibility: x.parental_responsibility,
      })),
      children: children.map((c) => ({
        id: c.id,
        name: `${c.given_name} ${c.family_name}`,
        yearGroup: c.year_group,
        registrationGroup: c.registration_group,
      })),
    },
  };
}
