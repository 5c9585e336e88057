// The signed-in session: one query every page reads, and what the roles allow on screen.
// The server decides every permission; these helpers only hide links a person cannot use.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, isStatus, type Session, setCsrfToken } from './api.ts';

export const SESSION_KEY = ['session'] as const;

export async function fetchSession(): Promise<Session | null> {
  try {
    const s = await api.get<Session>('/auth/session');
    setCsrfToken(s.csrfToken);
    return s;
  } catch (e) {
    if (isStatus(e, 401)) {
      setCsrfToken(null);
      return null;
    }
    throw e;
  }
}

export function useSession() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000, retry: false });
}

/** The session, for pages rendered only when signed in. */
export function useSignedIn(): Session {
  const client = useQueryClient();
  const s = client.getQueryData<Session | null>(SESSION_KEY);
  const q = useSession();
  const session = q.data ?? s;
  if (!session) throw new Error('useSignedIn used outside the signed-in app');
  return session;
}

const MANAGE = ['headteacher', 'office', 'trust_admin'];
const ADMIN = ['headteacher', 'trust_admin'];

/** Whether the person holds one of the roles at the current school (or trust-wide). */
export function holds(session: Session, roles: readonly string[]): boolean {
  return session.roles.some((r) => roles.includes(r.role) && (r.schoolId === null || r.schoolId === session.currentSchoolId));
}

export const canManagePeople = (s: Session) => holds(s, MANAGE);
export const canAudit = (s: Session) => holds(s, ADMIN);
export const canSeeOutbox = (s: Session) => holds(s, ADMIN);
export const canManageAccounts = (s: Session) => holds(s, ADMIN);
export const canManageTokens = (s: Session) => s.roles.some((r) => r.role === 'trust_admin');

export const currentSchool = (s: Session) => s.schools.find((x) => x.id === s.currentSchoolId) ?? null;
