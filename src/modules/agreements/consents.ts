// Per-purpose consents for each pupil: an append-only history whose latest record is the answer,
// the "who must not appear" list, and the per-class export (CSV and PDF).
import { stringify } from 'csv-stringify/sync';
import { audit } from '../../platform/audit/service.ts';
import type { Principal } from '../../platform/auth/policy.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import { notFound, unprocessable } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { londonDate } from '../../platform/time.ts';
import { neutraliseCell } from '../concerns/exports/incident-log-csv.ts';
import { renderTablePdf } from '../concerns/exports/pdf-table.ts';
import { CONSENT_LABELS, CONSENT_PURPOSES, type ConsentMethod, type ConsentPurpose, currentAnswer, mustNotAppear } from './model.ts';
import { photoUrl, pupilsWithPhotos } from './photos.ts';
import { requireCan } from './service.ts';
import * as store from './store.ts';

type Rec = Awaited<ReturnType<typeof store.consentRecords>>[number];
const currentOf = (records: readonly Rec[], pupilId: string, purpose: string) =>
  currentAnswer(
    records.filter((r) => r.pupil_id === pupilId),
    purpose,
  );

async function requirePupil(haven: Haven, p: Principal, pupilId: string, action: 'consents.view' | 'consents.manage') {
  const pupil = await store.personById(haven.db, p.trustId, pupilId);
  if (!pupil || pupil.kind !== 'pupil' || !pupil.school_id) throw notFound('That pupil');
  requireCan(p, action, pupil.school_id);
  return { ...pupil, school_id: pupil.school_id };
}

export async function pupilConsents(haven: Haven, p: Principal, pupilId: string) {
  await requirePupil(haven, p, pupilId, 'consents.view');
  const records = await store.consentRecords(haven.db, p.trustId, [pupilId]);
  return CONSENT_PURPOSES.map((purpose) => ({
    purpose,
    label: CONSENT_LABELS[purpose],
    current: currentOf(records, pupilId, purpose),
    history: records
      .filter((r) => r.purpose === purpose)
      .map((r) => ({ id: r.id, value: r.value, at: r.recorded_at.toISOString(), by: r.recorded_by, method: r.method as ConsentMethod, parentName: r.parent_name })),
  }));
}

export async function recordConsent(
  haven: Haven,
  p: Principal,
  actor: ActorRef,
  pupilId: string,
  input: { purpose: ConsentPurpose; value: boolean; parentId: string; method: 'paper' | 'in_app' },
) {
  const pupil = await requirePupil(haven, p, pupilId, 'consents.manage');
  const [parent] = (await store.parentsOf(haven.db, p.trustId, [pupilId])).filter((x) => x.parent_id === input.parentId);
  if (!parent) {
    throw unprocessable('Consent is given by a parent or carer with parental responsibility for this pupil. Choose one of the pupil\u2019s parents.', [
      { field: 'parentId', message: 'not a parent with parental responsibility for this pupil' },
    ]);
  }
  const id = newId();
  await haven.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('consent_records')
      .values({
        trust_id: p.trustId,
        id,
        school_id: pupil.school_id,
        pupil_id: pupilId,
        purpose: input.purpose,
        value: input.value,
        parent_id: input.parentId,
        parent_name: `${parent.given_name} ${parent.family_name}`,
        method: input.method,
        recorded_at: haven.clock.now(),
        recorded_by_account_id: p.accountId,
        recorded_by: actor.label,
      })
      .execute();
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: pupil.school_id,
      action: 'consents.recorded',
      recordType: 'person',
      recordId: pupilId,
      detail: { purpose: input.purpose, value: input.value, parentId: input.parentId, method: input.method },
    });
  });
  return { id };
}

async function classConsents(haven: Haven, p: Principal, schoolId: string, registrationGroup: string | undefined) {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school) throw notFound('That school');
  requireCan(p, 'consents.view', schoolId);
  const pupils = (await store.candidates(haven.db, p.trustId, schoolId, ['pupil'])).filter((x) => registrationGroup === undefined || x.registrationGroup === registrationGroup);
  const records = await store.consentRecords(
    haven.db,
    p.trustId,
    pupils.map((x) => x.id),
  );
  return { school, pupils, records };
}

/** The phone-sized answer: pupils of the class with no current yes for the purpose. */
export async function mustNotAppearList(haven: Haven, p: Principal, schoolId: string, purpose: ConsentPurpose, registrationGroup: string | undefined) {
  const { pupils, records } = await classConsents(haven, p, schoolId, registrationGroup);
  const listed = pupils.filter((x) => mustNotAppear(currentOf(records, x.id, purpose)));
  const withPhoto = await pupilsWithPhotos(
    haven,
    p.trustId,
    listed.map((x) => x.id),
  );
  return {
    purpose,
    label: CONSENT_LABELS[purpose],
    registrationGroup: registrationGroup ?? null,
    pupils: listed.map((x) => ({
      id: x.id,
      name: x.name,
      registrationGroup: x.registrationGroup,
      answer: currentOf(records, x.id, purpose),
      photoUrl: withPhoto.has(x.id) ? photoUrl(x.id) : null,
    })),
  };
}

const answer = (v: boolean | null) => (v === true ? 'Yes' : v === false ? 'No' : 'Not given');

async function exportRows(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, registrationGroup: string | undefined, format: 'csv' | 'pdf') {
  const data = await classConsents(haven, p, schoolId, registrationGroup);
  await haven.db.transaction().execute(async (tx) => {
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId, action: 'consents.exported', recordType: 'school', recordId: schoolId, detail: { registrationGroup: registrationGroup ?? null, format, pupils: data.pupils.length } });
  });
  const rows = data.pupils.map((x) => [x.name, x.registrationGroup ?? '', ...CONSENT_PURPOSES.map((purpose) => answer(currentOf(data.records, x.id, purpose)))]);
  return { ...data, rows };
}

export async function consentsCsv(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, registrationGroup: string | undefined): Promise<string> {
  const { rows } = await exportRows(haven, p, actor, schoolId, registrationGroup, 'csv');
  const header = ['Pupil', 'Class', ...CONSENT_PURPOSES.map((x) => CONSENT_LABELS[x])];
  return stringify([header, ...rows.map((r) => r.map(neutraliseCell))], { bom: true, record_delimiter: 'windows' });
}

const SHORT: Record<ConsentPurpose, string> = {
  portrait_records: 'Portrait',
  class_photo_parents: 'Class photo',
  learning_photos_server: 'Learning photos',
  website_photo: 'Web photo',
  website_video: 'Web video',
  website_name: 'Web name',
  newsletter_photo: 'News photo',
  newsletter_first_name: 'News name',
  internal_displays: 'Displays',
  promotional: 'Promo',
  press_photo: 'Press photo',
  press_name: 'Press name',
  cloud_accounts: 'Cloud',
  video_conferencing: 'Video calls',
};

export async function consentsPdf(haven: Haven, p: Principal, actor: ActorRef, schoolId: string, registrationGroup: string | undefined): Promise<Buffer> {
  const { school, rows } = await exportRows(haven, p, actor, schoolId, registrationGroup, 'pdf');
  return renderTablePdf({
    title: `Photo, name and online consent${registrationGroup ? ` — class ${registrationGroup}` : ''}`,
    subtitle: [school.name, `Printed ${londonDate(haven.clock.now())}. "Not given" means the pupil must be treated as a no.`],
    layout: 'landscape',
    columns: [
      { header: 'Pupil', weight: 3 },
      { header: 'Class', weight: 1 },
      ...CONSENT_PURPOSES.map((x) => ({ header: SHORT[x], weight: 1.2 })),
    ],
    rows,
    emptyMessage: 'No pupils in this class.',
    footer: `${school.name} — consent status`,
  });
}
