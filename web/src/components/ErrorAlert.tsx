import { Alert, List } from '@mantine/core';
import { ApiError } from '../api.ts';

/** Shows a problem+json answer (title, detail and per-field messages) or any other error. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : null;
  const heading = title ?? e?.title ?? 'Something went wrong';
  const detail = e ? e.detail : error instanceof Error ? error.message : String(error);
  const fieldErrors = e?.errors.filter((f) => f.message && f.message !== 'required' && f.message !== 'invalid') ?? [];
  return (
    <Alert color="red" variant="light" title={heading} role="alert">
      {detail}
      {fieldErrors.length > 0 && (
        <List size="sm" mt="xs">
          {fieldErrors.map((f) => (
            <List.Item key={`${f.field}:${f.message}`}>{f.field ? `${f.field}: ${f.message}` : f.message}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
