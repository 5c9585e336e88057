// Shapes and labels of the filter-checks API (src/modules/filter-checks/routes.ts).
import type { Session } from '../../api.ts';

export type Outcome = 'blocked' | 'not_blocked';
export type Category = { id: string | null; name: string; starter: boolean };
export type CheckResult = { id: string; category: string; outcome: Outcome; outcomeLabel: string; url: string | null; note: string | null };
export type Check = {
  id: string;
  checkedOn: string;
  checkedBy: { personId: string; name: string };
  device: string;
  userGroupLabel: string;
  method: string;
  methodLabel: string;
  serviceName: string | null;
  followUp: string | null;
  correctsId: string | null;
  correctedBy: string[];
  recordedBy: { personId: string; name: string };
  recordedAt: string;
  results: CheckResult[];
  failed: number;
  openTasks: number;
};
export type Task = {
  id: string;
  checkId: string;
  category: string;
  url: string | null;
  raisedAt: string;
  status: 'open' | 'fixed';
  fix: { fixedBy: string; fixedAt: string; how: string; retest: { outcome: Outcome; url: string | null } | null; recordedBy: string; recordedAt: string } | null;
  check: { checkedOn: string; device: string; userGroupLabel: string } | null;
};
export type CheckDetail = Check & { tasks: Task[] };

export const METHOD_OPTIONS = [
  { value: 'online_service', label: 'Online filter-test service' },
  { value: 'own_list', label: "The school's own list of test addresses" },
];

const holds = (s: Session, roles: readonly string[]) => s.roles.some((r) => roles.includes(r.role) && (r.schoolId === null || r.schoolId === s.currentSchoolId));
export const canRecordChecks = (s: Session) => holds(s, ['headteacher', 'dsl', 'deputy_dsl', 'online_safety_lead', 'network_manager', 'trust_admin']);
