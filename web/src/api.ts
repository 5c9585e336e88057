// A small typed fetch helper: same-origin cookies, the CSRF header on every change, and
// problem+json answers turned into an ApiError that pages can show as they are.

export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly errors: FieldError[];
  constructor(status: number, title: string, detail: string, errors: FieldError[] = []) {
    super(detail || title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
  /** The message for one field, if the server named it. */
  fieldError(field: string): string | undefined {
    // Validation problems name the field with its place, like `body.email`.
    return this.errors.find((e) => e.field === field || e.field.endsWith(`.${field}`))?.message;
  }
}

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null): void => {
  csrfToken = token;
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BASE = '/api/v1';

type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function toError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: fall through to a plain message
  }
  if (body && typeof body === 'object') {
    const b = body as { title?: unknown; detail?: unknown; errors?: unknown; problems?: unknown; message?: unknown };
    // Haven names the per-field list `problems`; accept `errors` too.
    const list = Array.isArray(b.problems) ? b.problems : Array.isArray(b.errors) ? b.errors : null;
    const errors = list
      ? list
          .filter((e): e is { field?: unknown; message?: unknown } => Boolean(e) && typeof e === 'object')
          .map((e) => ({ field: String(e.field ?? ''), message: String(e.message ?? '') }))
      : [];
    return new ApiError(
      res.status,
      typeof b.title === 'string' ? b.title : res.statusText || 'Request failed',
      typeof b.detail === 'string' ? b.detail : typeof b.message === 'string' ? b.message : '',
      errors,
    );
  }
  if (res.status === 413) return new ApiError(413, 'File too large', 'The file is too large to upload. Split it or remove columns you do not need.');
  return new ApiError(res.status, res.statusText || 'Request failed', `The server answered ${res.status}. Try again in a moment.`);
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, init);
  } catch {
    throw new ApiError(0, 'No connection', 'Haven could not be reached. Check your connection and try again.');
  }
  if (!res.ok) throw await toError(res);
  if (res.status === 204 || res.status === 202) {
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined as T;
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, body ?? {}),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, body ?? {}),
  del: <T>(path: string) => request<T>('DELETE', path),
};

export const isStatus = (e: unknown, ...statuses: number[]): boolean => e instanceof ApiError && statuses.includes(e.status);

// ---- Shapes of the API (see the brief's contract) ----

export type RoleGrant = { role: string; label: string; schoolId: string | null };

export type Session = {
  account: { id: string; email: string; displayName: string; twoFactorEnabled: boolean };
  csrfToken: string;
  mustChangePassword: boolean;
  mustEnrolTwoFactor: boolean;
  demo: boolean;
  trustId: string | null;
  trusts: { trustId: string; name: string }[];
  schools: { id: string; name: string }[];
  currentSchoolId: string | null;
  roles: RoleGrant[];
};

export type LoginResult = { csrfToken: string; mustChangePassword: boolean; mustEnrolTwoFactor: boolean };

export type RoleHolder = {
  role: string;
  label: string;
  trustWide: boolean;
  personId: string;
  name: string;
  jobTitle: string | null;
  email: string | null;
  phone: string | null;
};
export type RoleHolders = { school: { id: string; name: string }; holders: RoleHolder[] };

export type PersonRow = {
  id: string;
  schoolId: string | null;
  kind: string;
  name: string;
  yearGroup: string | null;
  registrationGroup: string | null;
  jobTitle: string | null;
  status: string;
};
export type PeoplePage = { total: number; people: PersonRow[] };

export type Person = {
  id: string;
  schoolId: string | null;
  kind: string;
  givenName: string;
  familyName: string;
  preferredName: string | null;
  jobTitle: string | null;
  organisation: string | null;
  yearGroup: string | null;
  registrationGroup: string | null;
  keyStage: string | null;
  status: string;
  email: string | null;
  roles: RoleGrant[];
  sensitive: null | {
    upn: string | null;
    staffCode: string | null;
    dateOfBirth: string | null;
    sendFlag: boolean | null;
    sendStatus: string | null;
    email: string | null;
    phone: string | null;
    leftOn: string | null;
    parents: { id: string; name: string; email: string | null; phone: string | null; relationship: string | null; parentalResponsibility: boolean | null }[];
    children: { id: string; name: string; yearGroup: string | null; registrationGroup: string | null }[];
  };
};

export type PersonAccount = {
  id: string;
  email: string;
  locked: boolean;
  lockedUntil: string | null;
  twoFactorEnabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
};

export type ImportSummary = { rows: number; valid: number; invalid: number; creates: number; updates: number; unchanged: number; leavers: number };
export type ImportPreview = {
  id: string;
  kind: string;
  status: 'preview' | 'committed' | 'failed' | string;
  fileName: string;
  headers: string[];
  fields: { key: string; label: string; required: boolean }[];
  mapping: Record<string, string | null>;
  summary: ImportSummary;
  errors: { row: number; field: string; message: string }[];
  sample: { row: number; values: Record<string, string> }[];
};
export type ImportListItem = { id: string; kind: string; status: string; fileName: string; createdAt: string; summary: Partial<ImportSummary> | null };

export type AuditEvent = {
  seq: number;
  at: string;
  actor: string;
  action: string;
  recordType: string | null;
  recordId: string | null;
  schoolId: string | null;
  ip: string | null;
  detail: unknown;
};

export type OutboxMessage = { id: string; to: string; subject: string; text: string; createdAt: string; sentAt: string | null; status: string };

export type ApiToken = {
  id: string;
  name: string;
  scopes: string[];
  schoolId: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
};

export type TwoFactorSetup = { secret: string; otpauthUrl: string; qrDataUrl: string };
