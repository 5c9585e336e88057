// The roles a person can hold, per school or per trust, in the words schools use.
export const SCHOOL_ROLES = [
  'headteacher',
  'dsl',
  'deputy_dsl',
  'online_safety_lead',
  'network_manager',
  'online_safety_governor',
  'chair_of_governors',
  'teacher',
  'support_staff',
  'office',
] as const;
export const TRUST_ROLES = ['trust_ceo', 'trust_safeguarding_lead', 'trust_admin'] as const;
export const ROLES = [...SCHOOL_ROLES, ...TRUST_ROLES] as const;
export type SchoolRole = (typeof SCHOOL_ROLES)[number];
export type TrustRole = (typeof TRUST_ROLES)[number];
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  headteacher: 'Headteacher',
  dsl: 'Designated safeguarding lead',
  deputy_dsl: 'Deputy DSL',
  online_safety_lead: 'Online safety lead',
  network_manager: 'Network manager / IT provider',
  online_safety_governor: 'Online safety governor',
  chair_of_governors: 'Chair of governors',
  teacher: 'Teacher',
  support_staff: 'Support staff',
  office: 'School office',
  trust_ceo: 'Trust CEO',
  trust_safeguarding_lead: 'Trust safeguarding lead',
  trust_admin: 'Trust administrator',
};

/** Roles shown on a school's "who to tell" page, in the order people look for them. */
export const WHO_TO_TELL: readonly Role[] = [
  'dsl',
  'deputy_dsl',
  'headteacher',
  'online_safety_lead',
  'network_manager',
  'online_safety_governor',
  'chair_of_governors',
];

/** Holders of these roles must use two-factor sign-in. */
export const TWO_FACTOR_ROLES: readonly Role[] = ['trust_admin', 'headteacher', 'dsl', 'deputy_dsl'];

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
export const isTrustRole = (value: string): value is TrustRole => (TRUST_ROLES as readonly string[]).includes(value);
