// Loads the demo trust: three invented primary schools, staff in every role, ~600 pupils with their
// parents, an external IT provider serving all three, and the sign-ins the README lists. Runs in one
// transaction, once: a second call finds the demo trust and does nothing.
import { sql } from 'kysely';
import { audit } from '../platform/audit/service.ts';
import { seedDemoActivity } from './activity.ts';
import { hashPassphrase } from '../platform/auth/passwords.ts';
import type { Role } from '../platform/auth/roles.ts';
import { type Haven, SYSTEM_ACTOR } from '../platform/context.ts';
import type { Tx } from '../platform/db/index.ts';
import type { NewPerson } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import {
  ADULT_NAMES,
  CLASSES,
  DEMO_DOMAIN,
  DEMO_PASSPHRASE,
  DEMO_SCHOOLS,
  DEMO_TOTP_SECRET,
  DEMO_TRUST,
  dateOfBirth,
  demoUpn,
  FAMILY_NAMES,
  GIVEN_NAMES,
  pick,
  seededRandom,
} from './data.ts';

export type DemoSummary = { created: boolean; trustId: string; schools: number; pupils: number; parents: number; staff: number; accounts: number };

const TWO_FACTOR: readonly Role[] = ['trust_admin', 'headteacher', 'dsl', 'deputy_dsl'];

type Pending = {
  people: NewPerson[];
  roles: { person_id: string; role: Role; school_id: string | null }[];
  links: { pupil_id: string; parent_id: string; relationship: string }[];
  accounts: { id: string; email: string; display_name: string; twoFactor: boolean }[];
};

export async function seedDemo(haven: Haven): Promise<DemoSummary> {
  if (!haven.config.demo) throw new Error('The demo trust is only loaded in demo mode (embedded database, not production).');
  // Every demo start comes here: answer "already loaded" before paying for an argon2 hash.
  const loaded = await haven.db.selectFrom('trusts').select('id').where('is_demo', '=', true).executeTakeFirst();
  if (loaded) return { created: false, trustId: loaded.id, schools: 0, pupils: 0, parents: 0, staff: 0, accounts: 0 };
  const passwordHash = await hashPassphrase(DEMO_PASSPHRASE);
  const summary = await haven.db.transaction().execute(async (tx) => {
    // One seeder at a time, even if two processes race on first start.
    await sql`SELECT pg_advisory_xact_lock(hashtext('haven.demo.seed'))`.execute(tx);
    const existing = await tx.selectFrom('trusts').select('id').where('is_demo', '=', true).executeTakeFirst();
    if (existing) return { created: false, trustId: existing.id, schools: 0, pupils: 0, parents: 0, staff: 0, accounts: 0 };
    return build(tx, haven, passwordHash);
  });
  if (summary.created) await seedDemoActivity(haven, summary.trustId);
  return summary;
}

async function build(tx: Tx, haven: Haven, passwordHash: string): Promise<DemoSummary> {
  const rand = seededRandom(20260901);
  const trustId = newId();
  const now = haven.clock.now();
  await tx.insertInto('trusts').values({ id: trustId, name: DEMO_TRUST, is_demo: true }).execute();
  const p: Pending = { people: [], roles: [], links: [], accounts: [] };

  const adult = (over: Partial<NewPerson> & { school_id: string | null; kind: NewPerson['kind'] }): string => {
    const id = newId();
    p.people.push({
      trust_id: trustId,
      id,
      given_name: pick(rand, ADULT_NAMES),
      family_name: pick(rand, FAMILY_NAMES),
      ...over,
    });
    return id;
  };
  const withAccount = (personId: string, localPart: string, roles: Role[], schoolId: string | null) => {
    const accountId = newId();
    const person = p.people.find((x) => x.id === personId) as NewPerson;
    const email = `${localPart}@${DEMO_DOMAIN}`;
    person.account_id = accountId;
    person.email = email;
    p.accounts.push({
      id: accountId,
      email,
      display_name: `${person.given_name} ${person.family_name}`,
      twoFactor: roles.some((r) => TWO_FACTOR.includes(r)),
    });
    for (const role of roles) p.roles.push({ person_id: personId, role, school_id: schoolId });
  };
  const role = (personId: string, r: Role, schoolId: string | null) => p.roles.push({ person_id: personId, role: r, school_id: schoolId });

  // The trust's central team.
  withAccount(adult({ kind: 'staff', school_id: null, job_title: 'Chief executive officer' }), 'ceo', ['trust_ceo'], null);
  withAccount(adult({ kind: 'staff', school_id: null, job_title: 'Trust operations manager' }), 'admin', ['trust_admin'], null);
  role(adult({ kind: 'staff', school_id: null, job_title: 'Trust safeguarding lead' }), 'trust_safeguarding_lead', null);

  // Brightwire IT: an external provider serving every school of the trust from one account.
  const it = adult({ kind: 'it_provider', school_id: null, organisation: 'Brightwire IT', job_title: 'Network engineer' });
  withAccount(it, 'it', [], null);

  let pupils = 0;
  let parents = 0;
  for (const [index, school] of DEMO_SCHOOLS.entries()) {
    const schoolId = newId();
    await tx.insertInto('schools').values({ trust_id: trustId, id: schoolId, name: school.name, urn: school.urn, phase: 'primary' }).execute();
    role(it, 'network_manager', schoolId);
    const s = (over: Partial<NewPerson>, kind: NewPerson['kind'] = 'staff') => adult({ kind, school_id: schoolId, ...over });
    const key = school.key;

    withAccount(s({ job_title: 'Headteacher' }), `head.${key}`, ['headteacher'], schoolId);
    withAccount(s({ job_title: 'Deputy headteacher' }), `dsl.${key}`, ['dsl'], schoolId);
    withAccount(s({ job_title: 'Inclusion lead (SENCo)' }), `deputy.${key}`, ['deputy_dsl'], schoolId);
    withAccount(s({ job_title: 'Computing lead' }), `osl.${key}`, ['online_safety_lead', 'teacher'], schoolId);
    withAccount(s({ kind: 'governor', job_title: 'Governor' }, 'governor'), `governor.${key}`, ['online_safety_governor'], schoolId);
    role(s({ job_title: 'Chair of governors' }, 'governor'), 'chair_of_governors', schoolId);
    withAccount(s({ job_title: 'School business manager' }), `office.${key}`, ['office'], schoolId);
    role(s({ job_title: 'Administrator' }), 'office', schoolId);

    for (const [c, cls] of CLASSES.entries()) {
      const teacher = s({ job_title: `Class teacher, ${cls.name} (${cls.year === 'R' ? 'Reception' : `Year ${cls.year}`})` });
      if (c === 4) withAccount(teacher, `teacher.${key}`, ['teacher'], schoolId);
      else role(teacher, 'teacher', schoolId);
    }
    for (let i = 0; i < 4; i++) role(s({ job_title: 'Teaching assistant' }), 'support_staff', schoolId);
    role(s({ job_title: 'Site manager' }), 'support_staff', schoolId);
    s({ job_title: 'Reading volunteer' }, 'volunteer');
    s({ job_title: 'Forest school volunteer' }, 'volunteer');
    s({ job_title: 'After-school football club', organisation: 'Riverside Juniors FC' }, 'community');

    // Pupils in families: siblings share a surname and parents, spread over the year groups.
    let n = 0;
    while (n < school.pupils) {
      const family = pick(rand, FAMILY_NAMES);
      const carers = [adult({ kind: 'parent', school_id: schoolId, family_name: family, phone: `07700 9${String(n).padStart(5, '0')}` })];
      if (rand() < 0.6) carers.push(adult({ kind: 'parent', school_id: schoolId, family_name: rand() < 0.8 ? family : pick(rand, FAMILY_NAMES) }));
      parents += carers.length;
      const children = Math.min(school.pupils - n, rand() < 0.7 ? 1 : rand() < 0.8 ? 2 : 3);
      for (let k = 0; k < children; k++, n++) {
        const cls = CLASSES[Math.floor(rand() * CLASSES.length)] as (typeof CLASSES)[number];
        const send = rand() < 0.13;
        const id = newId();
        p.people.push({
          trust_id: trustId,
          id,
          kind: 'pupil',
          school_id: schoolId,
          given_name: pick(rand, GIVEN_NAMES),
          family_name: family,
          upn: demoUpn(index, n),
          date_of_birth: dateOfBirth(rand, cls.year),
          year_group: cls.year,
          registration_group: cls.name,
          key_stage: cls.keyStage,
          send_flag: send,
          send_status: send ? (rand() < 0.25 ? 'E' : 'K') : null,
        });
        for (const [j, carer] of carers.entries()) p.links.push({ pupil_id: id, parent_id: carer, relationship: j === 0 ? 'mother' : 'father' });
      }
      pupils += children;
    }
  }

  await tx
    .insertInto('accounts')
    .values(
      p.accounts.map((a) => ({
        id: a.id,
        email: a.email,
        display_name: a.display_name,
        password_hash: passwordHash,
        totp_secret: a.twoFactor ? DEMO_TOTP_SECRET : null,
        totp_enabled_at: a.twoFactor ? now : null,
      })),
    )
    .execute();
  for (let i = 0; i < p.people.length; i += 500) await tx.insertInto('people').values(p.people.slice(i, i + 500)).execute();
  for (let i = 0; i < p.links.length; i += 1000) {
    await tx
      .insertInto('pupil_parents')
      .values(p.links.slice(i, i + 1000).map((l) => ({ trust_id: trustId, ...l, parental_responsibility: true })))
      .execute();
  }
  await tx
    .insertInto('role_assignments')
    .values(p.roles.map((r) => ({ trust_id: trustId, id: newId(), ...r })))
    .execute();

  const staff = p.people.filter((x) => x.kind !== 'pupil' && x.kind !== 'parent').length;
  const summary = { created: true, trustId, schools: DEMO_SCHOOLS.length, pupils, parents, staff, accounts: p.accounts.length };
  await audit(tx, haven, SYSTEM_ACTOR, { trustId, action: 'demo.seeded', recordType: 'trust', recordId: trustId, detail: summary });
  return summary;
}
