// Draft autosave for the report form: every change is copied to this device at once (so a dropped
// connection loses nothing) and sent to the server every few seconds and when a field loses focus.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api.ts';
import type { ConcernForm, Draft } from './types.ts';

const SEND_EVERY_MS = 3000;

export function newDraftId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Plain-http intranets have no randomUUID: build a v4 UUID from random bytes.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Local time as an <input type="datetime-local"> value. */
export function localDateTimeValue(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function emptyForm(): ConcernForm {
  return {
    whatHappened: '',
    occurredAt: localDateTimeValue(),
    location: '',
    device: '',
    involved: [],
    unknownInvolved: false,
    unknownDescription: '',
    urls: [''],
    area: null,
    type: null,
    toldDslInPerson: false,
    urgent: false,
    mayBeIndecentImages: null,
  };
}

type Stored = { id: string; form: Partial<ConcernForm>; savedAt: string };

const readLocal = (key: string): Stored | null => {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as Stored) : null;
  } catch {
    return null;
  }
};

export type SaveState = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: Date } | { kind: 'local'; at: Date };

export function useConcernDraft(schoolId: string, accountId: string) {
  const key = `haven.concern-draft.${accountId}.${schoolId}`;
  const [draftId, setDraftId] = useState<string>(() => readLocal(key)?.id ?? newDraftId());
  const [form, setFormState] = useState<ConcernForm>(() => ({ ...emptyForm(), ...(readLocal(key)?.form ?? {}) }));
  const [restoredAt, setRestoredAt] = useState<string | null>(() => readLocal(key)?.savedAt ?? null);
  const [save, setSave] = useState<SaveState>({ kind: 'idle' });
  const dirty = useRef(false);
  const sending = useRef(false);
  const finished = useRef(false);
  const latest = useRef({ draftId, form });
  latest.current = { draftId, form };

  // A draft saved from another device (or before this browser's storage was cleared) comes back too.
  useEffect(() => {
    let cancelled = false;
    api
      .get<{ drafts: Draft[] }>(`/schools/${schoolId}/concern-drafts`)
      .then(({ drafts }) => {
        if (cancelled || dirty.current) return;
        const newest = [...drafts].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
        if (!newest) return;
        const local = readLocal(key);
        if (local && local.savedAt >= newest.updatedAt) return;
        setDraftId(newest.id);
        setFormState({ ...emptyForm(), ...newest.form });
        setRestoredAt(newest.updatedAt);
      })
      .catch(() => {
        // Offline or not available yet: the local copy is enough.
      });
    return () => {
      cancelled = true;
    };
  }, [schoolId, key]);

  const inflight = useRef<Promise<void> | null>(null);
  const flush = useCallback(async () => {
    if (!dirty.current || sending.current || finished.current) return;
    sending.current = true;
    dirty.current = false;
    setSave({ kind: 'saving' });
    const { draftId: id, form: f } = latest.current;
    const send = (async () => {
      try {
        await api.put<void>(`/schools/${schoolId}/concern-drafts/${id}`, f);
        setSave({ kind: 'saved', at: new Date() });
      } catch {
        dirty.current = true; // try again on the next tick
        setSave({ kind: 'local', at: new Date() });
      } finally {
        sending.current = false;
      }
    })();
    inflight.current = send;
    await send;
  }, [schoolId]);

  /**
   * Before submitting: stop autosaving and let any save in flight land first, so a late save
   * cannot bring back the draft the server deletes when the report is accepted.
   */
  const hold = useCallback(async () => {
    finished.current = true;
    await inflight.current;
  }, []);
  /** The submit failed: keep saving the draft. */
  const release = useCallback(() => {
    finished.current = false;
    dirty.current = true;
  }, []);

  useEffect(() => {
    const timer = window.setInterval(() => void flush(), SEND_EVERY_MS);
    const online = () => void flush();
    window.addEventListener('online', online);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener('online', online);
    };
  }, [flush]);

  const setForm = useCallback(
    (patch: Partial<ConcernForm>) => {
      setFormState((prev) => {
        const next = { ...prev, ...patch };
        try {
          localStorage.setItem(key, JSON.stringify({ id: latest.current.draftId, form: next, savedAt: new Date().toISOString() } satisfies Stored));
        } catch {
          // Storage full or blocked: the server copy still works.
        }
        return next;
      });
      dirty.current = true;
    },
    [key],
  );

  /** After a successful submit: nothing more to save; the server has already deleted its draft. */
  const finish = useCallback(() => {
    finished.current = true;
    dirty.current = false;
    localStorage.removeItem(key);
  }, [key]);

  /** Throw the draft away and start a blank one. */
  const discard = useCallback(async () => {
    const old = latest.current.draftId;
    localStorage.removeItem(key);
    dirty.current = false;
    finished.current = false;
    setDraftId(newDraftId());
    setFormState(emptyForm());
    setRestoredAt(null);
    setSave({ kind: 'idle' });
    await api.del<void>(`/schools/${schoolId}/concern-drafts/${old}`).catch(() => {});
  }, [key, schoolId]);

  return { draftId, form, setForm, flush, hold, release, finish, discard, restoredAt, save };
}
