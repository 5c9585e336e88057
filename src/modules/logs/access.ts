// Who may see or manage a school's logs. Its own module so the settings need not load the whole service.
import { type Action, can, type Principal } from '../../platform/auth/policy.ts';
import type { Haven } from '../../platform/context.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import * as store from './store.ts';

const WHO: Record<'logs.view' | 'logs.manage', string> = {
  'logs.view': 'Filtering logs are for the headteacher, DSLs, the online safety lead, the network manager and trust leads.',
  'logs.manage': 'Log sources, uploads and address leases are for the network manager, the online safety lead, the headteacher and trust admins.',
};

/** The school, when the caller may do the action there: 404 outside their schools, 403 inside without the role. */
export async function schoolFor(haven: Haven, p: Principal, schoolId: string, action: 'logs.view' | 'logs.manage') {
  const school = await store.schoolById(haven.db, p.trustId, schoolId);
  if (!school) throw notFound('That school');
  if (!can(p, action as Action, { trustId: p.trustId, schoolId })) {
    const inSchool = p.grants.some((g) => g.schoolId === null || g.schoolId === schoolId);
    if (inSchool && !(p.tokenSchoolId && p.tokenSchoolId !== schoolId)) {
      throw forbidden(p.scopes ? `This API token lacks the scope for that (${action === 'logs.manage' ? 'logs:write' : 'admin'}).` : WHO[action]);
    }
    throw notFound('That school');
  }
  return school;
}
