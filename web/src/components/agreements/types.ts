// Shapes and plain-English labels of the agreements and consents API (see /tmp/haven/agreements-contract.md).
import type { Session } from '../../api.ts';

export const AUDIENCE_LABELS: Record<string, string> = {
  staff: 'Staff and volunteers',
  pupil_upper: 'Pupils (years 5 and 6)',
  pupil_early: 'Pupils (early years to year 4)',
  parent: 'Parents and carers',
  community: 'Community users',
  mobile_device: 'School-owned mobile devices',
  remote_learning: 'Remote learning (pupils)',
};
export const audienceLabel = (a: string) => AUDIENCE_LABELS[a] ?? a;

export const METHOD_LABELS: Record<string, string> = {
  in_app: 'In Haven',
  parent_link: 'Parent link',
  kiosk: 'Class kiosk',
  teacher_recorded: 'Recorded by teacher',
  paper: 'Paper form',
};
export const methodLabel = (m: string) => METHOD_LABELS[m] ?? m;

/** The purposes a teacher asks about at an event, first in the picker. */
export const PHOTO_PURPOSES: { value: string; label: string }[] = [
  { value: 'website_photo', label: 'School website (photos)' },
  { value: 'website_video', label: 'School website (videos)' },
  { value: 'newsletter_photo', label: 'Newsletter (photos)' },
  { value: 'press_photo', label: 'Press (photos)' },
  { value: 'promotional', label: 'Promotional material' },
  { value: 'class_photo_parents', label: 'Class photo shared with parents' },
  { value: 'internal_displays', label: 'Displays inside school' },
  { value: 'learning_photos_server', label: 'Learning photos on the school server' },
  { value: 'portrait_records', label: 'Portrait for school records' },
  { value: 'website_name', label: 'Name on the website' },
  { value: 'newsletter_first_name', label: 'First name in the newsletter' },
  { value: 'press_name', label: 'Name in the press' },
  { value: 'video_conferencing', label: 'Video lessons and calls' },
  { value: 'cloud_accounts', label: 'Cloud services account' },
];

export type AgreementSummary = {
  id: string;
  audience: string;
  title: string;
  currentVersion: { id: string; number: number; publishedAt: string } | null;
  draft: { text: string; title: string } | null;
};
export type AgreementVersion = { id: string; number: number; title: string; text: string; publishedAt: string; publishedBy: string | null };

export type CampaignGroup = { kind: 'staff' } | { kind: 'community' } | { kind: 'year'; yearGroup: string } | { kind: 'class'; registrationGroup: string } | { kind: 'parents'; yearGroup?: string };
export type CampaignSummary = {
  id: string;
  title: string;
  dueOn: string;
  versionId: string;
  audience: string;
  progress: { required: number; accepted: number; withdrawn: number };
};
type Progress = { required: number; accepted: number; withdrawn?: number };
export type CampaignMember = { personId: string; name: string; kind: string; yearGroup: string | null; registrationGroup: string | null };
export type CampaignDetail = {
  id: string;
  title: string;
  dueOn: string;
  audience?: string;
  reminderDays?: number;
  version: { id: string; number: number; title: string; text: string };
  progress?: Progress;
  groups: ({ label: string } & Progress)[];
  classes?: ({ registrationGroup: string } & Progress)[];
  outstanding: CampaignMember[];
  accepted: (CampaignMember & { acceptanceId?: string; method: string; at: string; recordedBy: string | null })[];
  withdrawn?: (CampaignMember & { acceptanceId?: string; at: string; reason: string | null })[];
};
export const PUPIL_AUDIENCES = ['pupil_upper', 'pupil_early', 'remote_learning'];

export type MyAgreements = {
  outstanding: { campaignId: string | null; versionId: string; title: string; text: string; number?: number; dueOn: string | null }[];
  accepted: { acceptanceId?: string; versionId: string; title: string; number: number; at: string; method: string; text: string; withdrawnAt?: string | null }[];
};

export type ParentLink = {
  school: { name: string };
  pupil: { firstName: string };
  version: { title: string; text: string; number: number };
  consents: { purpose: string; label: string; current: boolean | null }[];
};
export type Kiosk = {
  className: string;
  version: { title: string; text: string };
  pupils: { id: string; firstName: string; lastInitial: string; accepted: boolean }[];
};
export type KioskOpened = { kioskId: string; kioskToken: string; expiresAt: string };

export type ConsentHistory = { value: boolean; at: string; by: string | null; method: string; parentName: string | null };
export type PupilConsents = { purposes: { purpose: string; label: string; current: boolean | null; history: ConsentHistory[] }[] };
export type MustNotAppear = {
  purpose: string;
  label: string;
  pupils: { id: string; name: string; registrationGroup: string | null; answer?: boolean | null; photoUrl: string | null }[];
};
export type ParentAccepted = { accepted: true; withdrawUrl: string };
export type WithdrawLink = {
  school: { name: string };
  pupil: { firstName: string };
  agreement: { title: string; number: number; acceptedOn: string; withdrawnOn: string | null } | null;
  consents: { purpose: string; label: string; current: boolean | null }[];
};
export type WithdrawDone = { withdrawalId: string | null; consentsWithdrawn: string[] };

export type InductionItems = { policyRead: boolean; agreementAccepted: boolean; trainingRecorded: boolean; accountIssued: boolean };
export type InductionRow = { personId: string; name: string; startedOn: string | null; items: InductionItems; complete: boolean };
export const INDUCTION_LABELS: Record<keyof InductionItems, string> = {
  policyRead: 'Policy read',
  agreementAccepted: 'Staff agreement accepted',
  trainingRecorded: 'Online safety training',
  accountIssued: 'Accounts issued',
};

function holds(s: Session, roles: readonly string[]): boolean {
  return s.roles.some((r) => roles.includes(r.role) && (r.schoolId === null || r.schoolId === s.currentSchoolId));
}
export const canManageAgreements = (s: Session) => holds(s, ['headteacher', 'online_safety_lead', 'trust_admin']);
export const canRecordAgreements = (s: Session) => holds(s, ['headteacher', 'online_safety_lead', 'teacher', 'support_staff', 'office', 'trust_admin']);
export const canManageConsents = (s: Session) => holds(s, ['headteacher', 'office', 'trust_admin']);
export const canManageInduction = (s: Session) => holds(s, ['headteacher', 'online_safety_lead', 'office', 'trust_admin']);

/** Menu entries for the signed-in frame (Layout.tsx spreads these into its list). */
export function agreementNavItems(s: Session) {
  return [
    { to: '/my-agreements', label: 'My agreements', show: true },
    { to: '/agreements', label: 'Agreements', show: canManageAgreements(s) || canRecordAgreements(s) },
    { to: '/consents', label: 'Photo consent', show: true },
    { to: '/induction', label: 'Induction', show: canManageInduction(s) },
  ];
}
