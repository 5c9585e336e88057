// First run on a real deployment: the trust, its schools and the first administrator, in one
// transaction. The administrator gets a one-time passphrase, must choose their own at first sign-in
// and must enrol two-factor (trust_admin is a two-factor role).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../audit/service.ts';
import { hashPassphrase } from '../auth/passwords.ts';
import { type Haven, SYSTEM_ACTOR } from '../context.ts';
import { conflict } from '../errors.ts';
import { newId } from '../ids.ts';

export const SetupInput = z.object({
  trust: z.string().trim().min(1, 'Give the trust a name (--trust)').max(200),
  schools: z
    .array(z.string().trim().min(1).max(200))
    .min(1, 'Name at least one school (--school; a standalone school names itself)')
    .refine((s) => new Set(s.map((x) => x.toLowerCase())).size === s.length, 'Each school name must be different'),
  adminEmail: z.string().trim().email('--admin-email must be an email address, like head@school.sch.uk'),
  adminName: z.string().trim().min(1, 'Give the administrator a name (--admin-name)').max(200),
});
export type SetupInput = z.infer<typeof SetupInput>;

export async function setupTrust(haven: Haven, raw: SetupInput) {
  const input = SetupInput.parse(raw);
  const temporaryPassphrase = randomBytes(18).toString('base64url');
  const passwordHash = await hashPassphrase(temporaryPassphrase);
  return haven.db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('trusts').select('name').where('is_demo', '=', false).executeTakeFirst();
    if (existing) throw conflict(`Haven is already set up (trust "${existing.name}"). Add schools and people in the app.`);
    const taken = await tx.selectFrom('accounts').select('id').where((eb) => eb(eb.fn('lower', ['email']), '=', input.adminEmail.toLowerCase())).executeTakeFirst();
    if (taken) throw conflict(`An account with the email ${input.adminEmail} already exists.`);
    const trustId = newId();
    await tx.insertInto('trusts').values({ id: trustId, name: input.trust, is_standalone: input.schools.length === 1 }).execute();
    const schoolIds: string[] = [];
    for (const name of input.schools) {
      const id = newId();
      schoolIds.push(id);
      await tx.insertInto('schools').values({ trust_id: trustId, id, name }).execute();
    }
    const accountId = newId();
    await tx
      .insertInto('accounts')
      .values({ id: accountId, email: input.adminEmail, display_name: input.adminName, password_hash: passwordHash, must_change_password: true })
      .execute();
    const [given, ...rest] = input.adminName.split(/\s+/);
    const personId = newId();
    await tx
      .insertInto('people')
      .values({
        trust_id: trustId,
        id: personId,
        kind: 'staff',
        school_id: null,
        given_name: given ?? input.adminName,
        family_name: rest.join(' ') || '-',
        email: input.adminEmail,
        account_id: accountId,
        job_title: 'Trust administrator',
      })
      .execute();
    await tx.insertInto('role_assignments').values({ trust_id: trustId, id: newId(), person_id: personId, role: 'trust_admin', school_id: null }).execute();
    await audit(tx, haven, SYSTEM_ACTOR, {
      trustId,
      action: 'setup.completed',
      recordType: 'trust',
      recordId: trustId,
      detail: { schools: input.schools.length, adminAccountId: accountId },
    });
    return { trustId, schoolIds, accountId, temporaryPassphrase };
  });
}
