// Concerns use cases. Access is decided per case by model.accessOf (routing + shares); a case a
// person may not see answers 404 everywhere. Every change and every case read is audited in the
// same transaction; status/owner/type/urgency changes write their own timeline entries.
import { londonDate, londonDateTime, londonTime } from '../../platform/time.ts';
import { audit, auditEventRow } from '../../platform/audit/service.ts';
import { PLACEHOLDER, type Unit, withValue } from '../../platform/db/write-together.ts';
import type { AuditRow } from '../../platform/audit/store.ts';
import { KeyedBatcher } from '../../platform/batcher.ts';
import type { OutboxRow } from '../../platform/mail/mailer.ts';
import { can, type Principal } from '../../platform/auth/policy.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, conflict, forbidden, notFound, unprocessable } from '../../platform/errors.ts';
import { getEvidence, putEvidence } from '../../platform/evidence/service.ts';
import { newId } from '../../platform/ids.ts';
import {
  ACTION_LABELS,
  type Access,
  accessOf,
  type Agency,
  allowedTransitions,
  type Area,
  type CaseAudience,
  type CaseState,
  type ConcernType,
  deviation,
  INDECENT_IMAGES_GUIDANCE,
  isRepeated,
  type Matrix,
  mayListViewers,
  type Outcome,
  type Path,
  proposeActions,
  type Routing,
  routingOf,
  routingsFor,
  type SanctionAction,
  SENIOR_ROLES,
  STARTER_PUPIL_MATRIX,
  STARTER_STAFF_MATRIX,
  STATUS_LABELS,
  type Status,
  type Subject,
  formatReference,
  schoolPrefix,
  TYPE_LABELS,
  TYPES,
  transition,
  type Viewer,
} from './model.ts';
import type { IncidentLogRow } from './exports/types.ts';
import { alertChronology } from '../alerts/chronology.ts';
import { type NewConcernMail, newConcernMails } from './notify.ts';
import * as store from './store.ts';

type Row = NonNullable<Awaited<ReturnType<typeof store.concernById>>>;

// ------------------------------------------------------------------------------------------------
// Access helpers
// ------------------------------------------------------------------------------------------------

const viewerOf = (p: Principal): Viewer => ({ trustId: p.trustId, personId: p.personId, grants: p.grants });

/** API tokens are for IT providers' scripts; safeguarding cases are for people only. */
function person(p: Principal): string {
  if (p.scopes) throw forbidden('Concerns are not available to API tokens.');
  if (!p.personId) throw forbidden('Your account is not linked to a person in this trust.');
  return p.personId;
}

/** Whether the principal belongs to the school at all (any role there, or a trust-wide role). */
const memberOf = (p: Principal, schoolId: string) => p.grants.some((g) => g.schoolId === null || g.schoolId === schoolId);

/** The caller's directory record, loaded at most once per request. */
function myRecord(haven: Haven, p: Principal) {
  let loaded: ReturnType<typeof store.personById> | undefined;
  return () => (loaded ??= p.personId ? store.personById(haven.db, p.trustId, p.personId) : Promise.resolve(undefined));
}

async function requireSchool(haven: Haven, p: Principal, schoolId: string, myself = myRecord(haven, p)) {
  person(p);
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school) throw notFound('That school');
  if (!memberOf(p, schoolId)) {
    // Volunteers and staff without a role still belong to their school through the directory.
    const me = await myself();
    if (!me || me.school_id !== schoolId || me.status !== 'active') throw notFound('That school');
  }
  return school;
}

async function mayReport(p: Principal, schoolId: string, myself: ReturnType<typeof myRecord>): Promise<boolean> {
  if (can(p, 'concerns.report', { trustId: p.trustId, schoolId })) return true;
  const me = await myself();
  return Boolean(me && me.school_id === schoolId && me.status === 'active' && ['staff', 'volunteer', 'governor'].includes(me.kind));
}

type InvolvedRow = Awaited<ReturnType<typeof store.involvedOf>>[number];

async function audienceOf(db: Executor, row: Row): Promise<{ audience: CaseAudience; involved: InvolvedRow[] }> {
  const [involved, shared] = await Promise.all([store.involvedOf(db, row.trust_id, [row.id]), store.sharesOf(db, row.trust_id, row.id)]);
  const audience: CaseAudience = {
    trustId: row.trust_id,
    schoolId: row.school_id,
    reporterPersonId: row.reporter_person_id,
    staffSubjectIds: involved.filter((i) => i.kind === 'staff' && i.person_id).map((i) => i.person_id as string),
    aboutHeadteacher: row.routing === 'about_headteacher',
    sharedWith: shared,
  };
  return { audience, involved };
}

/** Loads a case and the caller's access; anything short of `least` is a 404 (the case is not there). */
async function loadCase(db: Executor, p: Principal, concernId: string, least: Access[], forUpdate = false) {
  person(p);
  const row = forUpdate ? await store.concernForUpdate(db, p.trustId, concernId) : await store.concernById(db, p.trustId, concernId);
  if (!row) throw notFound('That concern');
  const { audience, involved } = await audienceOf(db, row);
  const access = accessOf(viewerOf(p), audience);
  if (!least.includes(access)) {
    // A reporter who asks for more than the status is told no; anyone else learns nothing.
    if (access === 'reporter') throw forbidden('You can see the status of your own reports; the case itself is for the safeguarding team.');
    throw notFound('That concern');
  }
  return { row, audience, access, involved };
}

const CASE: Access[] = ['respond', 'shared'];
const RESPOND: Access[] = ['respond'];
const ANY: Access[] = ['respond', 'shared', 'reporter'];

// ------------------------------------------------------------------------------------------------
// Drafts
// ------------------------------------------------------------------------------------------------

export async function saveDraft(haven: Haven, p: Principal, schoolId: string, draftId: string, form: Record<string, unknown>) {
  await requireSchool(haven, p, schoolId);
  const existing = await haven.db.selectFrom('concern_drafts').select(['account_id', 'school_id']).where('trust_id', '=', p.trustId).where('id', '=', draftId).executeTakeFirst();
  if (existing && (existing.account_id !== p.accountId || existing.school_id !== schoolId)) {
    throw conflict('That draft id is already in use. Start a new draft (the page makes a new id).');
  }
  const now = haven.clock.now();
  await haven.db
    .insertInto('concern_drafts')
    .values({ trust_id: p.trustId, id: draftId, school_id: schoolId, account_id: p.accountId, form: JSON.stringify(form), updated_at: now })
    .onConflict((oc) => oc.columns(['trust_id', 'id']).doUpdateSet({ form: JSON.stringify(form), updated_at: now }))
    .execute();
}

export async function listDrafts(haven: Haven, p: Principal, schoolId: string) {
  await requireSchool(haven, p, schoolId);
  const rows = await haven.db
    .selectFrom('concern_drafts')
    .select(['id', 'updated_at', 'form'])
    .where('trust_id', '=', p.trustId)
    .where('school_id', '=', schoolId)
    .where('account_id', '=', p.accountId)
    .orderBy('updated_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, updatedAt: r.updated_at, form: r.form }));
}

export async function deleteDraft(haven: Haven, p: Principal, schoolId: string, draftId: string) {
  await requireSchool(haven, p, schoolId);
  const res = await haven.db
    .deleteFrom('concern_drafts')
    .where('trust_id', '=', p.trustId)
    .where('school_id', '=', schoolId)
    .where('id', '=', draftId)
    .where('account_id', '=', p.accountId)
    .executeTakeFirst();
  if (Number(res.numDeletedRows) === 0) throw notFound('That draft');
}

// ------------------------------------------------------------------------------------------------
// Reporting
// ------------------------------------------------------------------------------------------------

export type Involved = { personId: string } | { unknown: true; description: string };

export type NewConcern = {
  draftId?: string | undefined;
  whatHappened: string;
  occurredAt: Date;
  location?: string | undefined;
  device?: string | undefined;
  involved: Involved[];
  urls: string[];
  area: Area;
  type: ConcernType;
  toldDslInPerson: boolean;
  urgent: boolean;
  mayBeIndecentImages: boolean;
};

/** Whether any pupil named on the case has reached the repeat threshold for this type this term. */
async function computeRepeated(db: Executor, trustId: string, concernId: string, type: string, occurredAt: Date, pupilIds: string[]) {
  const times = await store.pupilConcernTimes(db, trustId, pupilIds, type, concernId);
  return pupilIds.some((id) =>
    isRepeated(
      occurredAt,
      times.filter((t) => t.person_id === id).map((t) => t.occurred_at),
    ),
  );
}

export async function reportConcern(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, input: NewConcern) {
  const myself = myRecord(haven, p);
  const school = await requireSchool(haven, p, schoolId, myself);
  const reporterId = person(p);
  if (!(await mayReport(p, schoolId, myself))) throw forbidden('Only staff and volunteers of this school can report a concern here.');
  const now = haven.clock.now();
  if (input.occurredAt.getTime() > now.getTime() + 5 * 60_000) {
    throw unprocessable('The time it happened is in the future. Give the time it happened (or your best guess).', [{ field: 'occurredAt', message: 'in the future' }]);
  }
  const personIds = [...new Set(input.involved.flatMap((i) => ('personId' in i ? [i.personId] : [])))];
  const people = await store.peopleByIds(haven.db, p.trustId, personIds);
  const missing = personIds.filter((id) => !people.some((x) => x.id === id));
  if (missing.length > 0) {
    throw unprocessable('Someone named as involved is not in this trust’s directory. Pick them again from the list, or choose "unknown / outside the school".', [
      { field: 'involved', message: `not found: ${missing.join(', ')}` },
    ]);
  }
  const staffSubjects = people.filter((x) => x.kind === 'staff').map((x) => x.id);
  const subjectGrants = await store.grantsOf(haven.db, p.trustId, staffSubjects);
  const aboutHead = subjectGrants.some((g) => g.role === 'headteacher' && (g.school_id === schoolId || g.school_id === null));
  const routing: Routing = routingOf({ staffSubjectIds: staffSubjects, aboutHeadteacher: aboutHead });
  const pupils = people.filter((x) => x.kind === 'pupil').map((x) => x.id);
  const id = newId();
  const repeated = await computeRepeated(haven.db, p.trustId, id, input.type, input.occurredAt, pupils);
  const reference = PLACEHOLDER; // the school's counter makes the number inside the write
  // Times as ISO text: the rows go to the batch statement as JSON, and JSON.stringify is several
  // times slower for an object holding a Date.
  const nowText = now.toISOString();
  const concern = {
    trust_id: p.trustId,
    id,
    school_id: schoolId,
    reference,
    reporter_person_id: reporterId,
    created_at: nowText,
    occurred_at: input.occurredAt.toISOString(),
    what_happened: input.whatHappened,
    location: input.location ?? null,
    device: input.device ?? null,
    urls: input.urls,
    told_dsl_in_person: input.toldDslInPerson,
    may_be_indecent_images: input.mayBeIndecentImages,
    area: input.area,
    type: input.type,
    urgent: input.urgent,
    routing,
    repeated,
    last_activity_at: nowText,
  };
  const involvedRows = input.involved.map((i) => {
    if ('personId' in i) {
      const who = people.find((x) => x.id === i.personId);
      return { trust_id: p.trustId, concern_id: id, id: newId(), person_id: i.personId, kind: who?.kind ?? 'staff', unknown: false, description: null };
    }
    return { trust_id: p.trustId, concern_id: id, id: newId(), person_id: null, kind: 'unknown', unknown: true, description: i.description };
  });
  const { reference: made, outbox } = await reportWriter(haven).submit(`${p.trustId}/${schoolId}`, {
    trustId: p.trustId,
    schoolId,
    prefix: schoolPrefix(school.name),
    rows: [
      { table: 'concerns', rows: [concern] },
      { table: 'concern_people', rows: involvedRows },
      {
        table: 'concern_timeline',
        rows: [{ ...store.timelineRow({ trustId: p.trustId, concernId: id, at: now, byPersonId: reporterId, byLabel: actor.label, kind: 'status', text: `Reported (${reference})`, data: { status: 'new', urgent: input.urgent } }), at: nowText }],
      },
    ],
    audit: auditEventRow(haven, actor, { trustId: p.trustId, schoolId, action: 'concern.create', recordType: 'concern', recordId: id, detail: { reference, type: input.type, urgent: input.urgent, routing } }),
    mail: {
      trustId: p.trustId,
      schoolId,
      schoolName: school.name,
      concernId: id,
      reference,
      type: input.type,
      urgent: input.urgent,
      toldDslInPerson: input.toldDslInPerson,
      routing,
      audience: { trustId: p.trustId, schoolId, reporterPersonId: reporterId, staffSubjectIds: staffSubjects, aboutHeadteacher: aboutHead, sharedWith: [] },
      pupilNames: people.filter((x) => x.kind === 'pupil').map(store.personName),
    },
    draft: input.draftId ? { trustId: p.trustId, draftId: input.draftId, accountId: p.accountId } : null,
  });
  await haven.mail.deliver(outbox.map((m) => ({ ...m, subject: withValue(m.subject, made), text_body: withValue(m.text_body, made) })));
  return { id, reference: made };
}

/** One report ready to write: its rows (the reference still a placeholder), its mail and its draft. */
type ReportWrite = {
  trustId: string;
  schoolId: string;
  prefix: string;
  rows: Unit;
  audit: AuditRow;
  mail: NewConcernMail;
  draft: { trustId: string; draftId: string; accountId: string } | null;
};
type Written = { reference: string; outbox: OutboxRow[] };

// Reports to one school are written by group commit: the reports waiting take their numbers from the
// school's gap-free counter together, and their cases, people, first timeline entries, audit events
// and new-concern mails are one statement with the counter (all or nothing, store.writeReportBatch).
// Two batches may be under way: one reads recipients and builds rows while the other is written.
const writers = new WeakMap<Haven, KeyedBatcher<ReportWrite, Written>>();
function reportWriter(haven: Haven) {
  let writer = writers.get(haven);
  if (!writer) writers.set(haven, (writer = new KeyedBatcher((items) => writeReports(haven, items), { inFlight: 2 })));
  return writer;
}

async function writeReports(haven: Haven, items: readonly ReportWrite[]): Promise<Written[]> {
  const { trustId, schoolId, prefix } = items[0] as ReportWrite;
  const mails = await newConcernMails(haven, trustId, schoolId, items.map((i) => i.mail));
  const outbox = mails.map((m) => haven.mail.rows(m));
  const first = await store.writeReportBatch(haven.db, {
    trustId,
    schoolId,
    prefix,
    units: items.map((item, k) => [...item.rows, { table: 'mail_outbox', rows: outbox[k] ?? [] }]),
    audit: items.map((item) => item.audit),
    drafts: items.flatMap((i) => (i.draft ? [i.draft] : [])),
  });
  return items.map((_, k) => ({ reference: formatReference(prefix, first + k), outbox: outbox[k] ?? [] }));
}

export async function myConcerns(haven: Haven, p: Principal, schoolId: string) {
  await requireSchool(haven, p, schoolId);
  const rows = await store.myConcerns(haven.db, p.trustId, schoolId, person(p));
  return rows.map((r) => ({ id: r.id, reference: r.reference, createdAt: r.created_at, type: r.type, status: r.status }));
}

export async function addFollowUp(haven: Haven, p: Principal, actor: ActorRef, concernId: string, text: string) {
  return haven.db.transaction().execute(async (tx) => {
    const { row } = await loadCase(tx, p, concernId, ANY, true);
    return addEntry(tx, haven, p, actor, row, { kind: 'follow_up', text }, 'concern.follow_up');
  });
}

// ------------------------------------------------------------------------------------------------
// Evidence
// ------------------------------------------------------------------------------------------------

export const indecentImagesRefusal = () =>
  new AppError(422, 'Do not upload this material', INDECENT_IMAGES_GUIDANCE, [{ field: 'file', message: 'possible indecent images of a child: not accepted' }]);

/** Refusals that need no file: checked before the upload is read. */
export async function checkEvidenceAllowed(haven: Haven, p: Principal, concernId: string, mayBeIndecentImages: boolean) {
  const { row } = await loadCase(haven.db, p, concernId, ANY);
  if (mayBeIndecentImages || row.may_be_indecent_images) throw indecentImagesRefusal();
  if (row.path === 'illegal') throw conflict('This case is on the illegal path: its evidence is preserved as it is and cannot be added to.');
  return row;
}

export async function addEvidence(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  concernId: string,
  file: { bytes: Buffer; fileName: string; mime: string; mayBeIndecentImages: boolean },
) {
  return haven.db.transaction().execute(async (tx) => {
    const { row } = await loadCase(tx, p, concernId, ANY, true);
    if (file.mayBeIndecentImages || row.may_be_indecent_images) throw indecentImagesRefusal();
    if (row.path === 'illegal') throw conflict('This case is on the illegal path: its evidence is preserved as it is and cannot be added to.');
    const ref = await putEvidence(tx, haven, { trustId: p.trustId, bytes: file.bytes, fileName: file.fileName, mime: file.mime });
    const fileName = file.fileName.slice(0, 255) || 'evidence';
    const now = haven.clock.now();
    const inserted = await tx
      .insertInto('concern_evidence')
      .values({
        trust_id: p.trustId,
        concern_id: concernId,
        sha256: ref.sha256,
        file_name: fileName,
        mime: ref.mime,
        size: ref.size,
        added_by: p.personId,
        added_by_label: actor.label,
        added_at: now,
      })
      .onConflict((oc) => oc.columns(['trust_id', 'concern_id', 'sha256']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) {
      await store.appendTimeline(tx, [
        {
          trustId: p.trustId,
          concernId,
          at: now,
          byPersonId: p.personId,
          byLabel: actor.label,
          kind: 'evidence',
          text: `Evidence added: ${fileName} (SHA-256 ${ref.sha256})`,
          data: { sha256: ref.sha256, size: ref.size, mime: ref.mime },
        },
      ]);
      await touch(tx, haven, row);
    }
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: row.school_id,
      action: 'concern.evidence_add',
      recordType: 'concern',
      recordId: concernId,
      detail: { sha256: ref.sha256, size: ref.size },
    });
    return { sha256: ref.sha256, size: ref.size, fileName, mime: ref.mime };
  });
}

export async function readEvidence(haven: Haven, p: Principal, actor: ActorRef, concernId: string, sha256: string) {
  return haven.db.transaction().execute(async (tx) => {
    const { row } = await loadCase(tx, p, concernId, RESPOND);
    const link = await tx
      .selectFrom('concern_evidence')
      .selectAll()
      .where('trust_id', '=', p.trustId)
      .where('concern_id', '=', concernId)
      .where('sha256', '=', sha256.toLowerCase())
      .executeTakeFirst();
    if (!link) throw notFound('That evidence file');
    const bytes = await getEvidence(tx, haven, { trustId: p.trustId, sha256: link.sha256 });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action: 'concern.evidence_read', recordType: 'concern', recordId: concernId, detail: { sha256: link.sha256 } });
    return { bytes, mime: link.mime, fileName: link.file_name };
  });
}

// ------------------------------------------------------------------------------------------------
// Reading cases
// ------------------------------------------------------------------------------------------------

async function schoolMatrix(db: Executor, trustId: string, schoolId: string): Promise<Record<Subject, Matrix>> {
  const rows = await store.matrixRows(db, trustId, schoolId);
  const pupil: Matrix = { ...STARTER_PUPIL_MATRIX };
  const staff: Matrix = { ...STARTER_STAFF_MATRIX };
  for (const r of rows) {
    if (!(TYPES as readonly string[]).includes(r.type)) continue;
    (r.subject === 'staff' ? staff : pupil)[r.type as ConcernType] = r.actions as SanctionAction[];
  }
  return { pupil, staff };
}

/** Seeds a school's matrix rows from the starter matrices the first time they are needed. */
async function ensureMatrix(tx: Executor, haven: Haven, trustId: string, schoolId: string) {
  const existing = await store.matrixRows(tx, trustId, schoolId);
  if (existing.length > 0) return;
  const now = haven.clock.now();
  const rows = (['pupil', 'staff'] as const).flatMap((subject) =>
    TYPES.map((type) => ({
      trust_id: trustId,
      school_id: schoolId,
      subject,
      type,
      actions: (subject === 'pupil' ? STARTER_PUPIL_MATRIX : STARTER_STAFF_MATRIX)[type],
      updated_at: now,
    })),
  );
  await tx.insertInto('sanctions_matrix').values(rows).onConflict((oc) => oc.doNothing()).execute();
}

export async function sanctionsMatrix(haven: Haven, p: Principal, schoolId: string) {
  await requireSchool(haven, p, schoolId);
  if (routingsFor(viewerOf(p), schoolId).length === 0) throw forbidden('The sanctions matrix is for the people who respond to concerns.');
  return haven.db.transaction().execute(async (tx) => {
    await ensureMatrix(tx, haven, p.trustId, schoolId);
    return schoolMatrix(tx, p.trustId, schoolId);
  });
}

/** The fields a case shows both in lists and on its own page. */
function headerOf(row: Row | store.ConcernListRow, owner: { personId: string; name: string } | null, involved: readonly InvolvedRow[]) {
  return {
    id: row.id,
    reference: row.reference,
    createdAt: row.created_at,
    occurredAt: row.occurred_at,
    type: row.type,
    area: row.area,
    urgent: row.urgent,
    status: row.status,
    path: row.path,
    outcome: row.outcome,
    owner,
    repeated: row.repeated,
    aboutStaff: row.routing !== 'ordinary',
    pupils: involved
      .filter((i) => i.kind === 'pupil' && i.person_id && i.given_name)
      .map((i) => ({ id: i.person_id as string, name: `${i.preferred_name ?? i.given_name} ${i.family_name}` })),
  };
}

function summaryOf(row: store.ConcernListRow, involved: readonly InvolvedRow[]) {
  const owner = row.owner_person_id && row.owner_given ? { personId: row.owner_person_id, name: `${row.owner_preferred ?? row.owner_given} ${row.owner_family}` } : null;
  return headerOf(
    row,
    owner,
    involved.filter((i) => i.concern_id === row.id),
  );
}

export type ListOptions = { status?: Status | undefined; type?: ConcernType | undefined; q?: string | undefined; limit: number; offset: number };

async function listFor(haven: Haven, p: Principal, schoolId: string, opts: Omit<store.ListQuery, keyof store.VisibleFilter>) {
  await requireSchool(haven, p, schoolId);
  const filter: store.VisibleFilter = { trustId: p.trustId, schoolId, personId: person(p), routings: routingsFor(viewerOf(p), schoolId) };
  const { total, rows } = await store.listConcerns(haven.db, { ...filter, ...opts });
  const involved = await store.involvedOf(
    haven.db,
    p.trustId,
    rows.map((r) => r.id),
  );
  return { total, rows, involved };
}

export async function queue(haven: Haven, p: Principal, actor: ActorRef, schoolId: string) {
  const { rows, involved } = await listFor(haven, p, schoolId, { openOnly: true, queueOrder: true, limit: 500, offset: 0 });
  await auditList(haven, p, actor, schoolId, 'concern.queue', rows.length);
  return { concerns: rows.map((r) => summaryOf(r, involved)) };
}

export async function listConcerns(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, opts: ListOptions) {
  const { total, rows, involved } = await listFor(haven, p, schoolId, opts);
  await auditList(haven, p, actor, schoolId, 'concern.list', rows.length, opts.q ? { q: opts.q } : {});
  return { total, concerns: rows.map((r) => summaryOf(r, involved)) };
}

function auditList(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, action: string, count: number, detail: Record<string, unknown> = {}) {
  return haven.db.transaction().execute((tx) =>
    audit(tx, haven, actor, { trustId: p.trustId, schoolId, action, recordType: 'concern_list', recordId: schoolId, detail: { ...detail, count } }),
  );
}

function caseState(row: Row, attendees: { person_id: string; senior: boolean }[], actionsCount: number): CaseState {
  return {
    status: row.status as Status,
    path: row.path as Path | null,
    outcome: row.outcome as Outcome | null,
    ownerPersonId: row.owner_person_id,
    viewingStopped: row.viewing_stopped_at !== null,
    deviceIsolated: row.device_isolated_at !== null,
    hasReferral: row.referral_reference !== null,
    attendees: attendees.map((a) => ({ personId: a.person_id, senior: a.senior })),
    actionsRecorded: actionsCount > 0,
  };
}

const subjectOf = (audience: CaseAudience): Subject => (audience.staffSubjectIds.length > 0 ? 'staff' : 'pupil');

/** `loaded` is the case's involved people when the caller already has them (they never change on a case). */
async function buildConcern(db: Executor, row: Row, audience: CaseAudience, access: Access, loaded?: InvolvedRow[]) {
  const [involved, evidence, attendees, actions, timeline, matrix, people] = await Promise.all([
    loaded ?? store.involvedOf(db, row.trust_id, [row.id]),
    store.evidenceOf(db, row.trust_id, row.id),
    store.attendeesOf(db, row.trust_id, row.id),
    store.actionsOf(db, row.trust_id, [row.id]),
    store.timelineOf(db, row.trust_id, [row.id]),
    schoolMatrix(db, row.trust_id, row.school_id),
    store.peopleByIds(db, row.trust_id, [row.reporter_person_id, ...(row.owner_person_id ? [row.owner_person_id] : [])]),
  ]);
  const nameOf = (id: string | null) => {
    const x = id ? people.find((q) => q.id === id) : undefined;
    return x ? store.personName(x) : null;
  };
  const subject = subjectOf(audience);
  const proposed = proposeActions(matrix[subject], row.type as ConcernType, row.repeated, subject);
  const state = caseState(row, attendees, actions.length);
  return {
    ...headerOf(row, row.owner_person_id ? { personId: row.owner_person_id, name: nameOf(row.owner_person_id) ?? '' } : null, involved),
    whatHappened: row.what_happened,
    location: row.location,
    device: row.device,
    urls: row.urls,
    toldDslInPerson: row.told_dsl_in_person,
    reporter: { personId: row.reporter_person_id, name: nameOf(row.reporter_person_id) ?? '' },
    involved: involved.map((i) => ({
      personId: i.person_id,
      name: i.given_name ? `${i.preferred_name ?? i.given_name} ${i.family_name}` : (i.description ?? 'Unknown'),
      kind: i.kind,
      unknown: i.unknown,
      description: i.description,
    })),
    evidence: evidence.map((e) => ({
      sha256: e.sha256,
      size: e.size,
      fileName: e.file_name,
      mime: e.mime,
      addedAt: e.added_at,
      addedBy: e.added_by_label,
      readOnly: row.path === 'illegal',
    })),
    illegal:
      row.path === 'illegal'
        ? {
            viewingStoppedAt: row.viewing_stopped_at,
            deviceIsolatedAt: row.device_isolated_at,
            referral: row.referral_agency ? { agency: row.referral_agency, reference: row.referral_reference, referredAt: row.referred_at } : null,
          }
        : null,
    investigation:
      row.path === 'investigation'
        ? {
            attendees: attendees.map((a) => ({ personId: a.person_id, name: `${a.preferred_name ?? a.given_name} ${a.family_name}`, role: a.role })),
            findings: row.findings,
            judgement: row.judgement,
          }
        : null,
    proposedActions: proposed.map((a) => ({ action: a, label: ACTION_LABELS[a] })),
    actionsTaken: actions.map((a) => ({
      action: a.action,
      label: ACTION_LABELS[a.action as SanctionAction] ?? a.action,
      doneBy: a.done_by_label,
      doneAt: a.done_at,
      note: a.note,
    })),
    deviationReason: row.deviation_reason,
    feedback: row.feedback,
    lessonsLearned: row.lessons_learned,
    timeline: timeline.map((t) => ({ id: t.id, at: t.at, by: { name: t.by_label }, kind: t.kind, text: t.text, data: t.data })),
    allowedTransitions: access === 'respond' ? allowedTransitions(state) : [],
  };
}

export async function getConcern(haven: Haven, p: Principal, actor: ActorRef, concernId: string) {
  return haven.db.transaction().execute(async (tx) => {
    const { row, audience, access, involved } = await loadCase(tx, p, concernId, CASE);
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action: 'concern.read', recordType: 'concern', recordId: concernId });
    return buildConcern(tx, row, audience, access, involved);
  });
}

export async function viewers(haven: Haven, p: Principal, actor: ActorRef, concernId: string) {
  return haven.db.transaction().execute(async (tx) => {
    const { row, audience } = await loadCase(tx, p, concernId, CASE);
    if (!mayListViewers(viewerOf(p), audience)) throw forbidden('Only the designated safeguarding lead can see who viewed a case.');
    const rows = await store.viewersOf(tx, p.trustId, concernId);
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action: 'concern.viewers_read', recordType: 'concern', recordId: concernId });
    return { viewers: rows.map((r) => ({ name: r.actor_label, at: r.at })) };
  });
}

// ------------------------------------------------------------------------------------------------
// Responding
// ------------------------------------------------------------------------------------------------

export type TransitionInput =
  | { event: 'take'; ownerPersonId?: string | undefined }
  | { event: 'assign'; ownerPersonId: string }
  | { event: 'suspect_illegal' }
  | { event: 'record_containment'; viewingStopped: boolean; deviceIsolated: boolean }
  | { event: 'record_referral'; agency: Agency; reference: string; referredAt: Date }
  | { event: 'complete_referral' }
  | { event: 'start_investigation' }
  | { event: 'record_attendees'; attendeePersonIds: string[] }
  | { event: 'save_findings'; findings: string; judgement: 'substantiated' | 'not_substantiated' }
  | { event: 'record_actions'; actions: { action: SanctionAction; note?: string | undefined }[]; deviationReason?: string | undefined }
  | { event: 'close'; feedback: string; lessonsLearned: string; outcome?: Outcome | undefined }
  | { event: 'close_without_action'; outcome: 'duplicate' | 'no_further_action'; reason: string }
  | { event: 'set_type'; type: ConcernType; area: Area }
  | { event: 'set_urgency'; urgent: boolean };

/** The people who may own or attend a case: they must be able to respond to it under its routing. */
async function responderAccess(db: Executor, trustId: string, audience: CaseAudience, personIds: string[]) {
  const grants = await store.grantsOf(db, trustId, personIds);
  return personIds.map((id) => {
    const g = grants.filter((x) => x.person_id === id).map((x) => ({ role: x.role as Role, schoolId: x.school_id }));
    return { personId: id, grants: g, access: accessOf({ trustId, personId: id, grants: g }, audience) };
  });
}

export async function applyTransition(haven: Haven, p: Principal, actor: ActorRef, concernId: string, input: TransitionInput) {
  return haven.db.transaction().execute(async (tx) => {
    const { row, audience, access, involved } = await loadCase(tx, p, concernId, RESPOND, true);
    const me = person(p);
    const now = haven.clock.now();
    const [attendees, actions] = await Promise.all([store.attendeesOf(tx, p.trustId, concernId), store.actionsOf(tx, p.trustId, [concernId])]);
    const state = caseState(row, attendees, actions.length);
    const entries: Omit<store.TimelineInput, 'trustId' | 'concernId' | 'at' | 'byPersonId' | 'byLabel'>[] = [];
    const set: Record<string, unknown> = {};
    let modelEvent: Parameters<typeof transition>[1];
    let newAttendees: { person_id: string; role: string; senior: boolean }[] | null = null;

    switch (input.event) {
      case 'take':
      case 'assign': {
        const owner = input.ownerPersonId ?? me;
        const [check] = await responderAccess(tx, p.trustId, audience, [owner]);
        if (check?.access !== 'respond') {
          throw unprocessable('The owner must be someone this case is routed to (for example the DSL or a deputy).', [{ field: 'ownerPersonId', message: 'cannot own this case' }]);
        }
        modelEvent = input.event === 'take' ? { event: 'take', ownerPersonId: owner } : { event: 'assign', ownerPersonId: owner };
        break;
      }
      case 'record_attendees': {
        const ids = [...new Set(input.attendeePersonIds)];
        const found = await store.peopleByIds(tx, p.trustId, ids);
        if (found.length !== ids.length) throw unprocessable('Pick the people present from the directory.', [{ field: 'attendeePersonIds', message: 'unknown person' }]);
        if (ids.some((id) => audience.staffSubjectIds.includes(id))) {
          throw unprocessable('A person the concern is about cannot be recorded as present at its investigation.', [{ field: 'attendeePersonIds', message: 'subject of the concern' }]);
        }
        const checks = await responderAccess(tx, p.trustId, audience, ids);
        newAttendees = checks.map((c) => {
          const senior = c.grants.find((g) => SENIOR_ROLES.includes(g.role) && (g.schoolId === null || g.schoolId === row.school_id));
          return { person_id: c.personId, role: senior?.role ?? c.grants[0]?.role ?? 'staff', senior: Boolean(senior) };
        });
        modelEvent = { event: 'record_attendees', attendees: newAttendees.map((a) => ({ personId: a.person_id, senior: a.senior })) };
        break;
      }
      case 'record_actions': {
        const matrix = await schoolMatrix(tx, p.trustId, row.school_id);
        const subject = subjectOf(audience);
        const proposed = proposeActions(matrix[subject], row.type as ConcernType, row.repeated, subject);
        const taken = [...new Set([...actions.map((a) => a.action as SanctionAction), ...input.actions.map((a) => a.action)])];
        const dev = deviation(proposed, taken);
        modelEvent = { event: 'record_actions', actions: input.actions.map((a) => a.action), deviationNeedsReason: dev.deviates, deviationReason: input.deviationReason };
        break;
      }
      default:
        modelEvent = input as Parameters<typeof transition>[1];
    }

    const decision = transition(state, modelEvent, me);
    if (!decision.ok) {
      if (decision.field) throw unprocessable(decision.reason, [{ field: decision.field, message: decision.reason }]);
      throw conflict(decision.reason);
    }
    const next = decision.state;

    // Columns and the entries the timeline writes by itself.
    if (next.status !== state.status) {
      set.status = next.status;
      entries.push({ kind: 'status', text: `${STATUS_LABELS[state.status]} → ${STATUS_LABELS[next.status]}`, data: { from: state.status, to: next.status, event: input.event } });
      if (next.status === 'closed') set.closed_at = now;
    }
    if (next.path !== state.path) set.path = next.path;
    if (next.outcome !== state.outcome) set.outcome = next.outcome;
    if (next.ownerPersonId !== state.ownerPersonId) {
      set.owner_person_id = next.ownerPersonId;
      const [owner] = await store.peopleByIds(tx, p.trustId, [next.ownerPersonId as string]);
      entries.push({ kind: 'owner', text: `Owner: ${owner ? store.personName(owner) : 'unknown'}`, data: { ownerPersonId: next.ownerPersonId } });
    }
    switch (input.event) {
      case 'suspect_illegal':
        entries.push({ kind: 'note', text: 'Illegal activity or risk of serious harm suspected: illegal path; evidence is now read-only.' });
        break;
      case 'record_containment':
        set.viewing_stopped_at = now;
        set.device_isolated_at = now;
        entries.push({ kind: 'action', text: 'Viewing stopped; device isolated and preserved.' });
        break;
      case 'record_referral':
        set.referral_agency = input.agency;
        set.referral_reference = input.reference;
        set.referred_at = input.referredAt;
        entries.push({
          kind: 'referral',
          text: `Referred to ${input.agency.toUpperCase()} (reference ${input.reference}) at ${londonDateTime(input.referredAt)}`,
          data: { agency: input.agency, reference: input.reference, referredAt: input.referredAt.toISOString() },
        });
        break;
      case 'record_attendees':
        entries.push({ kind: 'note', text: `Present at the investigation: ${newAttendees?.length ?? 0} people`, data: { attendees: newAttendees } });
        break;
      case 'save_findings':
        set.findings = input.findings;
        set.judgement = input.judgement;
        entries.push({ kind: 'note', text: `Judgement: ${input.judgement.replace('_', ' ')}`, data: { judgement: input.judgement } });
        break;
      case 'record_actions':
        if (input.deviationReason?.trim()) set.deviation_reason = input.deviationReason.trim();
        for (const a of input.actions) entries.push({ kind: 'action', text: ACTION_LABELS[a.action] + (a.note ? `: ${a.note}` : ''), data: { action: a.action } });
        break;
      case 'close':
        set.feedback = input.feedback;
        set.lessons_learned = input.lessonsLearned;
        break;
      case 'close_without_action':
        set.feedback = input.reason;
        entries.push({ kind: 'note', text: `Closed without action: ${input.reason}`, data: { outcome: input.outcome } });
        break;
      case 'set_type':
        if (input.type !== row.type || input.area !== row.area) {
          set.type = input.type;
          set.area = input.area;
          const pupils = involved.filter((i) => i.kind === 'pupil' && i.person_id).map((i) => i.person_id as string);
          set.repeated = await computeRepeated(tx, p.trustId, concernId, input.type, row.occurred_at, pupils);
          entries.push({ kind: 'type', text: `Type: ${TYPE_LABELS[row.type as ConcernType] ?? row.type} → ${TYPE_LABELS[input.type]} (${input.area})`, data: { from: row.type, to: input.type, area: input.area } });
        }
        break;
      case 'set_urgency':
        if (input.urgent !== row.urgent) {
          set.urgent = input.urgent;
          entries.push({ kind: 'urgency', text: input.urgent ? 'Marked urgent' : 'No longer urgent', data: { urgent: input.urgent } });
        }
        break;
    }

    if (newAttendees) {
      await tx.deleteFrom('concern_attendees').where('trust_id', '=', p.trustId).where('concern_id', '=', concernId).execute();
      if (newAttendees.length > 0) {
        await tx
          .insertInto('concern_attendees')
          .values(newAttendees.map((a) => ({ trust_id: p.trustId, concern_id: concernId, ...a, recorded_at: now })))
          .execute();
      }
    }
    if (input.event === 'record_actions' && input.actions.length > 0) {
      await tx
        .insertInto('concern_actions')
        .values(
          input.actions.map((a) => ({
            trust_id: p.trustId,
            concern_id: concernId,
            id: newId(),
            action: a.action,
            note: a.note ?? null,
            done_by: me,
            done_by_label: actor.label,
            done_at: now,
          })),
        )
        .execute();
    }
    await tx
      .updateTable('concerns')
      .set({ ...set, last_activity_at: now })
      .where('trust_id', '=', p.trustId)
      .where('id', '=', concernId)
      .execute();
    await store.appendTimeline(
      tx,
      entries.map((e) => ({ ...e, trustId: p.trustId, concernId, at: now, byPersonId: me, byLabel: actor.label })),
    );
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: row.school_id,
      action: `concern.${input.event}`,
      recordType: 'concern',
      recordId: concernId,
      detail: { from: state.status, to: next.status },
    });
    const fresh = (await store.concernById(tx, p.trustId, concernId)) as Row;
    return buildConcern(tx, fresh, audience, access, involved);
  });
}

async function touch(tx: Executor, haven: Haven, row: Row) {
  await tx.updateTable('concerns').set({ last_activity_at: haven.clock.now() }).where('trust_id', '=', row.trust_id).where('id', '=', row.id).execute();
}

/** Writes one timeline entry by the caller, marks the case active and audits it. */
async function addEntry(
  tx: Executor,
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  row: Row,
  entry: Pick<store.TimelineInput, 'kind' | 'text' | 'data' | 'correctsId'>,
  action: string,
  detail?: Record<string, unknown>,
) {
  const [id] = await store.appendTimeline(tx, [{ ...entry, trustId: p.trustId, concernId: row.id, at: haven.clock.now(), byPersonId: p.personId, byLabel: actor.label }]);
  await touch(tx, haven, row);
  await audit(tx, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action, recordType: 'concern', recordId: row.id, ...(detail ? { detail } : {}) });
  return { id: id as string };
}

export async function addNote(haven: Haven, p: Principal, actor: ActorRef, concernId: string, text: string) {
  return haven.db.transaction().execute(async (tx) => {
    const { row } = await loadCase(tx, p, concernId, CASE, true);
    return addEntry(tx, haven, p, actor, row, { kind: 'note', text }, 'concern.note');
  });
}

export async function addCorrection(haven: Haven, p: Principal, actor: ActorRef, concernId: string, entryId: string, text: string) {
  return haven.db.transaction().execute(async (tx) => {
    const { row } = await loadCase(tx, p, concernId, CASE, true);
    const target = await tx
      .selectFrom('concern_timeline')
      .select(['id', 'text'])
      .where('trust_id', '=', p.trustId)
      .where('concern_id', '=', concernId)
      .where('id', '=', entryId)
      .executeTakeFirst();
    if (!target) throw unprocessable('Pick an entry of this case’s timeline to correct.', [{ field: 'entryId', message: 'not on this timeline' }]);
    return addEntry(tx, haven, p, actor, row, { kind: 'correction', text, correctsId: entryId, data: { corrects: entryId } }, 'concern.correction', { entryId });
  });
}

export async function share(haven: Haven, p: Principal, actor: ActorRef, concernId: string, personId: string) {
  await haven.db.transaction().execute(async (tx) => {
    const { row, audience } = await loadCase(tx, p, concernId, RESPOND, true);
    const target = await store.personById(tx, p.trustId, personId);
    if (!target || target.status !== 'active') throw unprocessable('Pick the person to share with from the directory.', [{ field: 'personId', message: 'not found' }]);
    if (audience.staffSubjectIds.includes(personId)) {
      throw unprocessable('This case is about that person: it cannot be shared with them.', [{ field: 'personId', message: 'subject of the concern' }]);
    }
    const res = await tx
      .insertInto('concern_shares')
      .values({ trust_id: p.trustId, concern_id: concernId, person_id: personId, shared_by: p.personId, shared_at: haven.clock.now() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(res.numInsertedOrUpdatedRows ?? 0n) > 0) {
      await store.appendTimeline(tx, [
        { trustId: p.trustId, concernId, at: haven.clock.now(), byPersonId: p.personId, byLabel: actor.label, kind: 'sharing', text: `Shared with ${store.personName(target)}`, data: { personId } },
      ]);
    }
    await touch(tx, haven, row);
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: row.school_id, action: 'concern.share', recordType: 'concern', recordId: concernId, detail: { personId } });
  });
}

// ------------------------------------------------------------------------------------------------
// Chronology and incident log
// ------------------------------------------------------------------------------------------------

export async function chronology(haven: Haven, p: Principal, actor: ActorRef, pupilId: string, format: 'json' | 'pdf' = 'json') {
  const personId = person(p);
  const pupil = await store.personById(haven.db, p.trustId, pupilId);
  if (!pupil || pupil.kind !== 'pupil' || !pupil.school_id) throw notFound('That pupil');
  const schoolId = pupil.school_id;
  const routings = routingsFor(viewerOf(p), schoolId);
  if (routings.length === 0) throw notFound('That pupil');
  const { rows } = await store.listConcerns(haven.db, { trustId: p.trustId, schoolId, personId, routings, pupilId, limit: 1000, offset: 0 });
  const ids = rows.map((r) => r.id);
  const timeline = await store.timelineOf(haven.db, p.trustId, ids);
  const refs = new Map(rows.map((r) => [r.id, r]));
  const entries = [
    ...rows.map((r) => ({
      at: r.occurred_at,
      concernId: r.id,
      reference: r.reference,
      kind: 'concern',
      text: `${TYPE_LABELS[r.type as ConcernType] ?? r.type}: ${r.what_happened}`,
    })),
    ...timeline.map((t) => ({ at: t.at, concernId: t.concern_id, reference: refs.get(t.concern_id)?.reference ?? '', kind: t.kind, text: t.text })),
    // Filtering alerts about the pupil (for those who triage alerts); each carries an alertId.
    ...(await alertChronology(haven.db, p, schoolId, pupilId)),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  await haven.db.transaction().execute((tx) =>
    audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'concern.chronology_read', recordType: 'person', recordId: pupilId, detail: { concerns: ids.length, format } }),
  );
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  return { pupil: { id: pupil.id, name: store.personName(pupil) }, schoolId, schoolName: school?.name ?? '', entries };
}

export async function incidentLog(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, from?: Date, to?: Date, format: 'json' | 'csv' | 'pdf' = 'json') {
  const school = await requireSchool(haven, p, schoolId);
  const routings = routingsFor(viewerOf(p), schoolId);
  if (routings.length === 0) throw forbidden('The incident log is for the people who respond to concerns.');
  const { rows } = await store.listConcerns(haven.db, {
    trustId: p.trustId,
    schoolId,
    personId: person(p),
    routings,
    occurredFrom: from,
    occurredTo: to,
    limit: 5000,
    offset: 0,
  });
  rows.sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime());
  const actions = await store.actionsOf(
    haven.db,
    p.trustId,
    rows.map((r) => r.id),
  );
  const out: IncidentLogRow[] = rows.map((r) => {
    const mine = actions.filter((a) => a.concern_id === r.id);
    return {
      date: londonDate(r.occurred_at),
      time: londonTime(r.occurred_at),
      reference: r.reference,
      incident: `${TYPE_LABELS[r.type as ConcernType] ?? r.type}: ${r.what_happened}`,
      actionTaken: mine.map((a) => (ACTION_LABELS[a.action as SanctionAction] ?? a.action) + (a.note ? ` (${a.note})` : '')).join('; '),
      actionBy: [...new Set(mine.map((a) => a.done_by_label))].join('; '),
      reportedBy: r.reporter_given ? `${r.reporter_preferred ?? r.reporter_given} ${r.reporter_family}` : '',
    };
  });
  await haven.db.transaction().execute((tx) =>
    audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'concern.incident_log_read', recordType: 'concern_list', recordId: schoolId, detail: { rows: out.length, format } }),
  );
  return { school: { id: school.id, name: school.name }, rows: out };
}

