// Agreements and consents: the pure rules. Audiences, ways of accepting, consent purposes, starter
// texts (our own words; a school edits them), who a campaign covers, progress, reminder schedule,
// and the token rules for parent links and kiosks.
import { newSecret, secretHash } from '../../platform/auth/model.ts';
import { londonDate } from '../../platform/time.ts';

export const AUDIENCES = ['staff', 'pupil_upper', 'pupil_early', 'parent', 'community', 'mobile_device', 'remote_learning'] as const;
export type Audience = (typeof AUDIENCES)[number];

export const AUDIENCE_LABELS: Record<Audience, string> = {
  staff: 'Staff and volunteers',
  pupil_upper: 'Pupils (years 5 and 6)',
  pupil_early: 'Pupils (early years to year 4)',
  parent: 'Parents and carers',
  community: 'Community users',
  mobile_device: 'School-owned mobile devices',
  remote_learning: 'Remote learning (pupils)',
};

const METHODS = ['in_app', 'parent_link', 'kiosk', 'teacher_recorded', 'paper'] as const;
export type Method = (typeof METHODS)[number];
export const METHOD_LABELS: Record<Method, string> = {
  in_app: 'Accepted in Haven',
  parent_link: 'Accepted by a parent through an emailed link',
  kiosk: 'Accepted on the class kiosk',
  teacher_recorded: 'Recorded by the teacher after a class discussion',
  paper: 'Signed on paper (scan kept)',
};

export const CONSENT_PURPOSES = [
  'portrait_records',
  'class_photo_parents',
  'learning_photos_server',
  'website_photo',
  'website_video',
  'website_name',
  'newsletter_photo',
  'newsletter_first_name',
  'internal_displays',
  'promotional',
  'press_photo',
  'press_name',
  'cloud_accounts',
  'video_conferencing',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

export const CONSENT_LABELS: Record<ConsentPurpose, string> = {
  portrait_records: 'Portrait photo kept in the school office records',
  class_photo_parents: 'Class photo shared with the other parents of the class',
  learning_photos_server: 'Photos of learning kept on the school server and used on displays',
  website_photo: 'Photos on the school website',
  website_video: 'Videos on the school website',
  website_name: 'Name on the school website',
  newsletter_photo: 'Photos in the school newsletter',
  newsletter_first_name: 'First name in the school newsletter',
  internal_displays: 'Image on posters and displays inside school',
  promotional: 'Image in promotional material outside school (adverts, trust website)',
  press_photo: 'Photos in the press (print and online)',
  press_name: 'Name in the press (print and online)',
  cloud_accounts: 'An account on the school cloud services (documents, email, storage)',
  video_conferencing: 'Taking part in video lessons and calls',
};

const CONSENT_METHODS = ['paper', 'in_app', 'parent_link'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

/** The current answer for a purpose is the latest record; no record means nobody has said yes. */
export function currentConsent<T extends { value: boolean; at: Date; id: string }>(history: readonly T[]): boolean | null {
  let latest: T | undefined;
  for (const r of history) {
    if (!latest || r.at.getTime() > latest.at.getTime() || (r.at.getTime() === latest.at.getTime() && r.id > latest.id)) latest = r;
  }
  return latest ? latest.value : null;
}

type ConsentRow = { id: string; purpose: string; value: boolean; recorded_at: Date };
/** The current answer for one purpose from stored consent records. */
export const currentAnswer = (records: readonly ConsentRow[], purpose: string): boolean | null =>
  currentConsent(records.filter((r) => r.purpose === purpose).map((r) => ({ id: r.id, value: r.value, at: r.recorded_at })));
/** Every purpose with its label and current answer, as a parent's page shows them. */
export const consentsWithCurrent = (records: readonly ConsentRow[]) =>
  CONSENT_PURPOSES.map((purpose) => ({ purpose, label: CONSENT_LABELS[purpose], current: currentAnswer(records, purpose) }));

/** Must not appear: anything but a current, explicit yes. */
export const mustNotAppear = (current: boolean | null): boolean => current !== true;

// ------------------------------------------------------------------------------------------------
// Starter texts
// ------------------------------------------------------------------------------------------------

type StarterText = { title: string; text: string };

export const STARTER_TEXTS: Record<Audience, StarterText> = {
  staff: {
    title: 'Staff and volunteer acceptable use agreement',
    text: [
      'School computers, accounts and networks are here to support teaching and the running of the school. This agreement applies in school, at home and on any device I use for school work.',
      '',
      'Keeping myself and others safe',
      '- I know the school checks how its systems, devices and messages are used.',
      '- My login is mine alone. I keep my password private and never use anyone else\'s account.',
      '- I report anything illegal, harmful or worrying that I come across to the designated safeguarding lead straight away.',
      '',
      'Being professional',
      '- I contact pupils and families only through the school\'s own systems, and in a professional tone.',
      '- I take photos or videos of pupils only on school equipment, only where parents have consented, and I store them only in school storage.',
      '- I do nothing online, in or out of school, that would undermine my role or the school\'s reputation.',
      '',
      'Looking after systems and data',
      '- I handle personal data as the data protection policy says; data leaving school is encrypted.',
      '- I do not install software, change settings or try to get round the filtering.',
      '- I do not open links or attachments I cannot trust, and I report faults and damage.',
      '- My own devices follow the same rules when I use them in school or for school work.',
      '',
      'I understand that breaking this agreement may lead to disciplinary action and, where the law is broken, to the police being involved.',
    ].join('\n'),
  },
  pupil_upper: {
    title: 'Pupil acceptable use agreement (years 5 and 6)',
    text: [
      'I use school computers, tablets and the internet to learn. These are my promises.',
      '',
      'Staying safe',
      '- I keep my password secret and only log in as myself.',
      '- I never give out personal details such as my address, phone number or school to people online.',
      '- I remember that people online may not be who they say they are, and I never meet someone I only know online without a trusted adult.',
      '- If I see anything that upsets me or feels wrong, I tell an adult straight away.',
      '- I know the school can see what I do on its computers.',
      '',
      'Being fair and kind',
      '- I am polite online and I do not use unkind or rude words.',
      '- I do not look at, change or delete other people\'s work.',
      '- I only take or share pictures of people when they say I can.',
      '',
      'Looking after equipment',
      '- I only use the apps and websites my teacher allows, and I do not download or install anything.',
      '- I do not open messages or links from people I do not know.',
      '- I only bring my own devices into school when I have permission.',
      '- I tell an adult if something is broken.',
      '',
      'I understand that if I break these promises I might lose my computer access and my parents or carers may be told.',
    ].join('\n'),
  },
  pupil_early: {
    title: 'Our computer promise (early years to year 4)',
    text: [
      'When I use a computer or tablet:',
      '- I ask a grown-up first.',
      '- I only use what my teacher says I can.',
      '- I am careful with it.',
      '- I ask for help when I am stuck or when I have made a mistake.',
      '- I tell a grown-up when something on the screen makes me sad or worried.',
      '',
      'If I do not keep my promise, I might not be able to use the computer for a while.',
    ].join('\n'),
  },
  parent: {
    title: 'Parent and carer agreement',
    text: [
      'We teach children to use technology safely and expect them to follow the pupil agreement. We ask parents and carers to support this.',
      '',
      'As a parent or carer:',
      '- I know my child has been taught the pupil agreement and will have regular online safety lessons.',
      '- I understand the school filters and monitors its systems to keep children safe, but that no system can block everything.',
      '- I understand the school will get in touch with me if it is worried about how my child is using its systems.',
      '- I will encourage safe use of the internet at home and tell the school about anything that worries me.',
      '',
      'You can withdraw this agreement at any time by telling the school office.',
    ].join('\n'),
  },
  community: {
    title: 'Community user agreement',
    text: [
      'This agreement is for visitors and groups who use the school\'s computers, network or wifi.',
      '',
      '- I use the school systems only for the purpose I was given access for.',
      '- I keep any login I am given to myself and I do not try to use anyone else\'s.',
      '- I do not try to get round the filtering, install software or change settings.',
      '- I do not access, create or share anything illegal, offensive or harmful.',
      '- I do not photograph or film pupils, and I do not share information about them.',
      '- I understand the school monitors its systems and may remove my access if this agreement is broken.',
      '- I report anything that worries me about a child\'s safety to the school straight away.',
    ].join('\n'),
  },
  mobile_device: {
    title: 'School-owned mobile devices agreement',
    text: [
      'This adds to the staff agreement for school phones and tablets.',
      '',
      '- School devices are for school work only: no personal email, social media, music or shopping.',
      '- The school monitors apps, location and messages on its devices. I leave passcodes and location settings as they were set up.',
      '- I take photos and videos of pupils only for a clear learning purpose, only where parents have consented, and I move them to school storage promptly and delete them from the device.',
      '- I never copy photos or data to personal accounts or storage.',
      '- I sign a device out at the office before it leaves the site and sign it back in.',
      '- I do not add or remove apps without permission.',
      '- I keep the device in its case, and report loss, damage or anything worrying at once.',
    ].join('\n'),
  },
  remote_learning: {
    title: 'Remote learning agreement (pupils)',
    text: [
      'When I learn from home using my school account:',
      '- I only log in with my own school account and I keep my password to myself.',
      '- I join the live lessons on my timetable, or tell school if I cannot.',
      '- I dress as I would for a school trip and blur or tidy my background on video.',
      '- I work somewhere a grown-up at home is nearby.',
      '- I know my messages and chats are seen by the school, so I keep them polite and about learning.',
      '- I contact my teacher in school hours and understand they may not reply straight away.',
      '- I tell my teacher if the work is too hard or too easy.',
      '- I follow our class rules online just as I do in the classroom, and I tell a grown-up if anything worries me.',
    ].join('\n'),
  },
};

// ------------------------------------------------------------------------------------------------
// Campaigns: who is covered
// ------------------------------------------------------------------------------------------------

export type Group =
  | { kind: 'staff' }
  | { kind: 'community' }
  | { kind: 'year'; yearGroup: string }
  | { kind: 'class'; registrationGroup: string }
  | { kind: 'parents'; yearGroup?: string | undefined };

/** Which groups fit an audience: staff agreements cover staff, pupils' cover classes, parents' cover pupils' parents. */
export const GROUP_KINDS_FOR: Record<Audience, readonly Group['kind'][]> = {
  staff: ['staff'],
  mobile_device: ['staff'],
  community: ['community'],
  pupil_upper: ['year', 'class'],
  pupil_early: ['year', 'class'],
  remote_learning: ['year', 'class'],
  parent: ['parents'],
};

export function groupLabel(g: Group): string {
  switch (g.kind) {
    case 'staff':
      return 'Staff and volunteers';
    case 'community':
      return 'Community users';
    case 'year':
      return `Year ${g.yearGroup}`;
    case 'class':
      return `Class ${g.registrationGroup}`;
    case 'parents':
      return g.yearGroup ? `Parents of year ${g.yearGroup}` : 'All parents';
  }
}

export type Candidate = {
  id: string;
  kind: string;
  status: 'active' | 'leaver';
  yearGroup: string | null;
  registrationGroup: string | null;
};

/**
 * Whether a person is covered by a group. Membership is worked out from the directory every time,
 * so a new starter is covered the moment they are added, and a leaver drops out.
 * A parents' group covers pupils: each pupil needs one acceptance from a parent.
 */
export function inGroup(g: Group, p: Candidate): boolean {
  if (p.status !== 'active') return false;
  switch (g.kind) {
    case 'staff':
      return p.kind === 'staff' || p.kind === 'volunteer';
    case 'community':
      return p.kind === 'community';
    case 'year':
      return p.kind === 'pupil' && p.yearGroup === g.yearGroup;
    case 'class':
      return p.kind === 'pupil' && p.registrationGroup === g.registrationGroup;
    case 'parents':
      return p.kind === 'pupil' && (g.yearGroup === undefined || p.yearGroup === g.yearGroup);
  }
}

/** The problem with a campaign's groups for its audience, or null when they fit. */
export function groupsProblem(audience: Audience, groups: readonly Group[]): string | null {
  if (groups.length === 0) return 'Choose at least one group.';
  const allowed = GROUP_KINDS_FOR[audience];
  const wrong = groups.find((g) => !allowed.includes(g.kind));
  if (wrong) return `A ${AUDIENCE_LABELS[audience].toLowerCase()} agreement is for groups of kind ${allowed.join(' or ')}, not ${wrong.kind}.`;
  return null;
}

export type AcceptanceFact = { id: string; personId: string; at: Date; method: Method; recordedBy: string; withdrawnAt: Date | null; withdrawReason: string | null };
export type MemberState = { state: 'accepted' | 'withdrawn' | 'outstanding'; acceptance: AcceptanceFact | null };

/** A person's state for a version: their latest acceptance decides; a withdrawn one is not an acceptance. */
export function stateOf(acceptances: readonly AcceptanceFact[]): MemberState {
  let latest: AcceptanceFact | null = null;
  for (const a of acceptances) if (!latest || a.at.getTime() > latest.at.getTime() || (a.at.getTime() === latest.at.getTime() && a.id > latest.id)) latest = a;
  if (!latest) return { state: 'outstanding', acceptance: null };
  return { state: latest.withdrawnAt ? 'withdrawn' : 'accepted', acceptance: latest };
}

export type Progress = { required: number; accepted: number; withdrawn: number };

export function progressOf(states: readonly MemberState[]): Progress {
  return {
    required: states.length,
    accepted: states.filter((s) => s.state === 'accepted').length,
    withdrawn: states.filter((s) => s.state === 'withdrawn').length,
  };
}

// ------------------------------------------------------------------------------------------------
// Reminders
// ------------------------------------------------------------------------------------------------

export const REMINDER_DAYS_DEFAULT = 7;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Reminders go out every `reminderDays` days after the campaign starts (or after the last reminder),
 * up to and including the due date; after that the outstanding list is for the headteacher.
 */
export function reminderDue(c: { createdAt: Date; dueOn: string; reminderDays: number; lastRemindedAt: Date | null }, now: Date): boolean {
  if (londonDate(now) > c.dueOn) return false;
  const since = c.lastRemindedAt ?? c.createdAt;
  const days = Math.floor((Date.parse(londonDate(now)) - Date.parse(londonDate(since))) / DAY_MS);
  return days >= c.reminderDays;
}

// ------------------------------------------------------------------------------------------------
// Tokens (parent links, kiosks)
// ------------------------------------------------------------------------------------------------

export const PARENT_LINK_DAYS = 14;
export const KIOSK_HOURS = 2;
/** A parent may withdraw "at any time": the withdrawal link outlives the school year. */
export const WITHDRAW_LINK_DAYS = 365;

/** 32 random bytes, base64url: unguessable. Only its SHA-256 (hex) is stored. */
export const newToken = (): string => newSecret();
export const tokenHash = secretHash;
/** A token we could have issued (43 base64url characters); anything else is not looked up. */
export const looksLikeToken = (token: string): boolean => /^[A-Za-z0-9_-]{43}$/.test(token);

type TokenState = 'valid' | 'used' | 'expired';
export function tokenState(t: { expiresAt: Date; usedAt: Date | null }, now: Date): TokenState {
  if (t.usedAt) return 'used';
  if (now.getTime() >= t.expiresAt.getTime()) return 'expired';
  return 'valid';
}

// ------------------------------------------------------------------------------------------------
// Induction
// ------------------------------------------------------------------------------------------------

export const INDUCTION_TICK_ITEMS = ['policyRead', 'trainingRecorded'] as const;
export type InductionTickItem = (typeof INDUCTION_TICK_ITEMS)[number];
export type InductionItems = { policyRead: boolean; agreementAccepted: boolean; trainingRecorded: boolean; accountIssued: boolean };
export const inductionComplete = (i: InductionItems): boolean => i.policyRead && i.agreementAccepted && i.trainingRecorded && i.accountIssued;

/** How long someone counts as a new starter on the induction list. */
export const INDUCTION_NEW_STARTER_DAYS = 90;
/** The checklist opens for new starters and stays until it is done: long-standing, complete staff drop off. */
export function onInductionList(s: { startedAt: Date; complete: boolean }, now: Date): boolean {
  if (!s.complete) return true;
  return now.getTime() - s.startedAt.getTime() < INDUCTION_NEW_STARTER_DAYS * 86_400_000;
}

/** How a pupil's name shows on a shared kiosk screen: first name and initial only. */
export const kioskName = (p: { givenName: string; preferredName: string | null; familyName: string }) => ({
  firstName: p.preferredName ?? p.givenName,
  lastInitial: p.familyName.slice(0, 1).toUpperCase(),
});
