// Pupil photos "where the school keeps them": the image is stored encrypted in the evidence store
// and pupil_photos points at the current one. Shown on the "who must not appear" list so a teacher
// at an event can recognise the children, which is why reading one is audited like other records.
import { audit } from '../../platform/audit/service.ts';
import type { Principal } from '../../platform/auth/policy.ts';
import { can } from '../../platform/auth/policy.ts';
import type { ActorRef, Haven } from '../../platform/context.ts';
import { AppError, forbidden, notFound } from '../../platform/errors.ts';
import { evidenceInfo, getEvidence, putEvidence } from '../../platform/evidence/service.ts';
import * as store from './store.ts';

/** Browsers show these inline; HEIC, PDF and office files are not photos we can put on a list. */
const PHOTO_MIMES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const MAX_PHOTO_LABEL = '5 MB';

export const photoUrl = (personId: string) => `/api/v1/people/${personId}/photo`;

async function requirePupil(haven: Haven, p: Principal, pupilId: string) {
  const pupil = await store.personById(haven.db, p.trustId, pupilId);
  if (!pupil || pupil.kind !== 'pupil' || !pupil.school_id) throw notFound('That pupil');
  return { ...pupil, school_id: pupil.school_id };
}

export async function uploadPhoto(haven: Haven, p: Principal, actor: ActorRef, pupilId: string, file: { bytes: Buffer; fileName: string; mime: string }) {
  const pupil = await requirePupil(haven, p, pupilId);
  const scope = { trustId: p.trustId, schoolId: pupil.school_id };
  if (!can(p, 'consents.manage', scope) && !can(p, 'people.manage', scope)) throw forbidden();
  return haven.db.transaction().execute(async (tx) => {
    const ref = await putEvidence(tx, haven, { trustId: p.trustId, bytes: file.bytes, fileName: file.fileName, mime: file.mime });
    // Thrown inside the transaction, so a non-photo file is not kept either.
    if (!PHOTO_MIMES.includes(ref.mime)) {
      throw new AppError(415, 'Not a photo', 'Upload the photo as a PNG, JPEG, GIF or WebP image.', [{ field: 'file', message: `a ${ref.mime} file is not a photo` }]);
    }
    const row = { sha256: ref.sha256, uploaded_by: actor.label, uploaded_at: haven.clock.now() };
    await tx
      .insertInto('pupil_photos')
      .values({ trust_id: p.trustId, person_id: pupilId, ...row })
      .onConflict((oc) => oc.columns(['trust_id', 'person_id']).doUpdateSet(row))
      .execute();
    await audit(tx, haven, actor, {
      trustId: p.trustId,
      schoolId: pupil.school_id,
      action: 'people.photo_uploaded',
      recordType: 'person',
      recordId: pupilId,
      detail: { sha256: ref.sha256, size: ref.size, mime: ref.mime },
    });
    return { sha256: ref.sha256, photoUrl: photoUrl(pupilId) };
  });
}

/** The decrypted photo and its type, for people who may see the pupil's consents. */
export async function readPhoto(haven: Haven, p: Principal, actor: ActorRef, pupilId: string): Promise<{ bytes: Buffer; mime: string }> {
  const pupil = await requirePupil(haven, p, pupilId);
  if (!can(p, 'consents.view', { trustId: p.trustId, schoolId: pupil.school_id })) throw forbidden();
  return haven.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('pupil_photos').select('sha256').where('trust_id', '=', p.trustId).where('person_id', '=', pupilId).executeTakeFirst();
    if (!row) throw notFound('A photo of that pupil');
    const info = await evidenceInfo(tx, { trustId: p.trustId, sha256: row.sha256 });
    if (!info) throw notFound('A photo of that pupil');
    const bytes = await getEvidence(tx, haven, { trustId: p.trustId, sha256: row.sha256 });
    await audit(tx, haven, actor, { trustId: p.trustId, schoolId: pupil.school_id, action: 'people.photo_viewed', recordType: 'person', recordId: pupilId, detail: { sha256: row.sha256 } });
    return { bytes, mime: info.mime };
  });
}

/** Which of these pupils have a photo (for the list's photoUrl). */
export async function pupilsWithPhotos(haven: Haven, trustId: string, pupilIds: readonly string[]): Promise<Set<string>> {
  if (pupilIds.length === 0) return new Set();
  const rows = await haven.db.selectFrom('pupil_photos').select('person_id').where('trust_id', '=', trustId).where('person_id', 'in', [...pupilIds]).execute();
  return new Set(rows.map((r) => r.person_id));
}
