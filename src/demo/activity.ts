// A little life in the demo: a few concerns in Alder Brook's triage queue (one already taken by the
// DSL) and a published staff agreement with a campaign — made through the same services the app
// uses, as the demo's own staff, so every row has its audit event and timeline.
import { listAgreements, publish, createCampaign } from '../modules/agreements/service.ts';
import { applyTransition, reportConcern } from '../modules/concerns/service.ts';
import type { Principal } from '../platform/auth/policy.ts';
import { membershipsOf } from '../platform/auth/store.ts';
import type { ActorRef, Haven } from '../platform/context.ts';
import { DEMO_DOMAIN } from './data.ts';
import { seedDemoFiltering } from './filtering.ts';

export type DemoActor = { p: Principal; actor: ActorRef };

async function as(haven: Haven, trustId: string, localPart: string): Promise<DemoActor> {
  const account = await haven.db.selectFrom('accounts').select(['id', 'email', 'display_name']).where('email', '=', `${localPart}@${DEMO_DOMAIN}`).executeTakeFirstOrThrow();
  const m = (await membershipsOf(haven.db, account.id)).find((x) => x.trustId === trustId);
  if (!m) throw new Error(`demo account ${localPart} has no membership`);
  return {
    p: { accountId: account.id, label: account.display_name, email: account.email, trustId, personId: m.personId, grants: m.grants },
    actor: { accountId: account.id, label: account.display_name, ip: null, userAgent: 'demo seed' },
  };
}

const hoursAgo = (haven: Haven, h: number) => new Date(haven.clock.now().getTime() - h * 3_600_000);

export async function seedDemoActivity(haven: Haven, trustId: string): Promise<void> {
  const school = await haven.db.selectFrom('schools').select('id').where('trust_id', '=', trustId).where('urn', '=', '990001').executeTakeFirstOrThrow();
  const pupils = await haven.db
    .selectFrom('people')
    .select('id')
    .where('trust_id', '=', trustId)
    .where('school_id', '=', school.id)
    .where('kind', '=', 'pupil')
    .where('year_group', 'in', ['5', '6'])
    .orderBy('family_name')
    .limit(3)
    .execute();
  const teacher = await as(haven, trustId, 'teacher.alderbrook');
  const osl = await as(haven, trustId, 'osl.alderbrook');
  const dsl = await as(haven, trustId, 'dsl.alderbrook');
  const base = { urls: [] as string[], toldDslInPerson: false, mayBeIndecentImages: false };

  const bullying = await reportConcern(haven, teacher.p, teacher.actor, school.id, {
    ...base,
    whatHappened: 'Two pupils showed me messages in a class group chat calling another pupil names and telling her nobody wants her at the party.',
    occurredAt: hoursAgo(haven, 50),
    location: 'Birch classroom',
    involved: pupils.slice(0, 2).map((x) => ({ personId: x.id })),
    area: 'conduct',
    type: 'cyberbullying',
    toldDslInPerson: true,
    urgent: true,
  });
  await reportConcern(haven, osl.p, osl.actor, school.id, {
    ...base,
    whatHappened: 'The filter blocked repeated attempts to reach a web proxy from a library laptop during lunch.',
    occurredAt: hoursAgo(haven, 26),
    location: 'Library',
    device: 'Laptop L4',
    involved: pupils.slice(2, 3).map((x) => ({ personId: x.id })),
    urls: ['https://proxy.example.test/'],
    area: 'conduct',
    type: 'filter_bypass',
    urgent: false,
  });
  await reportConcern(haven, teacher.p, teacher.actor, school.id, {
    ...base,
    whatHappened: 'A pop-up advert for a betting site appeared on the interactive whiteboard during a maths video.',
    occurredAt: hoursAgo(haven, 3),
    location: 'Birch classroom',
    device: 'Whiteboard PC',
    involved: [{ unknown: true, description: 'Advert on a video site' }],
    area: 'commerce',
    type: 'inappropriate_website',
    urgent: false,
  });
  await applyTransition(haven, dsl.p, dsl.actor, bullying.id, { event: 'take' });

  await seedDemoFiltering(haven, trustId, school.id, (localPart) => as(haven, trustId, localPart));

  const head = await as(haven, trustId, 'head.alderbrook');
  const agreements = await listAgreements(haven, head.p, head.actor, school.id);
  const staff = agreements.find((a) => a.audience === 'staff');
  if (staff) {
    const version = await publish(haven, head.p, head.actor, staff.id);
    const due = new Date(haven.clock.now().getTime() + 21 * 86_400_000).toISOString().slice(0, 10);
    await createCampaign(haven, head.p, head.actor, school.id, { versionId: version.versionId, title: 'Staff agreement for this year', dueOn: due, groups: [{ kind: 'staff' }] });
  }
}
