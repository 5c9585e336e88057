// Calls for the public pages (parent link, class kiosk): no session cookie, so a signed-in staff
// browser behaves exactly like a parent's, and nothing ever redirects to sign-in.
import { ApiError } from '../../api.ts';

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/public${path}`, {
      method,
      credentials: 'omit',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'No connection', 'The page could not reach the school. Check your connection and try again.');
  }
  if (!res.ok) {
    let b: { title?: string; detail?: string } = {};
    try {
      b = (await res.json()) as typeof b;
    } catch {
      // not JSON
    }
    throw new ApiError(res.status, b.title ?? 'Request failed', b.detail ?? '');
  }
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : undefined) as T;
}

export const publicApi = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown) => call<T>('POST', path, body),
};
