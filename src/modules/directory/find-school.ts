// The school a command names, by id, URN or exact name (light: command lines load it at start).
import { UsageError } from '../../cli.ts';
import type { Haven } from '../../platform/context.ts';
import { isUuid } from '../../platform/ids.ts';

export async function findSchool(haven: Haven, school: string) {
  const rows = await haven.db
    .selectFrom('schools')
    .select(['trust_id', 'id', 'name', 'urn'])
    .where((eb) => eb.or([...(isUuid(school) ? [eb('id', '=', school)] : []), eb('urn', '=', school), eb('name', '=', school)]))
    .execute();
  if (rows.length === 0) throw new UsageError(`No school has the id, URN or name "${school}". Check the spelling, or use the school's URN.`);
  if (rows.length > 1) {
    throw new UsageError(`More than one school matches "${school}": ${rows.map((r) => `${r.name} (${r.id})`).join(', ')}. Use the id.`);
  }
  return rows[0] as (typeof rows)[number];
}
