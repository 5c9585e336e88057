// Uploads with progress: fetch cannot report how much of a request body has gone, XMLHttpRequest can.
import { ApiError } from '../../api.ts';

export function uploadWithProgress<T>(path: string, form: FormData, csrf: string, onProgress: (share: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiError(0, 'No connection', 'Haven could not be reached. Check your connection and try again.'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      const b = (body ?? {}) as { title?: string; detail?: string; problems?: { field: string; message: string }[]; errors?: { field: string; message: string }[] };
      reject(new ApiError(xhr.status, b.title ?? 'Upload failed', b.detail ?? `The server answered ${xhr.status}.`, b.problems ?? b.errors ?? []));
    };
    xhr.send(form);
  });
}
