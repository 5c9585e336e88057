// Choosing a new passphrase: used for first sign-in, account settings and the emailed reset link.
import { Button, PasswordInput, Stack, Text } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api.ts';
import { ErrorAlert } from './ErrorAlert.tsx';

export type PassphraseInput = { currentPassword?: string; newPassword: string };

export function PassphraseForm({
  askCurrent,
  currentLabel = 'Current passphrase',
  submitLabel,
  pending,
  error,
  onSubmit,
}: {
  askCurrent: boolean;
  /** First sign-in calls it the temporary passphrase: "current" is ambiguous to someone who never chose one. */
  currentLabel?: string;
  submitLabel: string;
  pending: boolean;
  error: unknown;
  onSubmit: (input: PassphraseInput) => void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [local, setLocal] = useState<{ next?: string; confirm?: string }>({});
  const apiErr = error instanceof ApiError ? error : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: { next?: string; confirm?: string } = {};
    if (next.length < 12) problems.next = 'Use at least 12 characters. Three or four unrelated words work well.';
    if (confirm !== next) problems.confirm = 'The two new passphrases are different. Type the same passphrase twice.';
    setLocal(problems);
    if (problems.next || problems.confirm) return;
    onSubmit(askCurrent ? { currentPassword: current, newPassword: next } : { newPassword: next });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {!(apiErr?.fieldError('currentPassword') || apiErr?.fieldError('newPassword')) && <ErrorAlert error={error} />}
        {askCurrent && (
          <PasswordInput
            label={currentLabel}
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.currentTarget.value)}
            required
            error={apiErr?.fieldError('currentPassword')}
            visibilityToggleButtonProps={{ 'aria-label': `Show or hide ${currentLabel.toLowerCase()}` }}
          />
        )}
        <PasswordInput
          label="New passphrase"
          description="At least 12 characters. A few unrelated words are easy to remember and hard to guess."
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          required
          error={local.next ?? apiErr?.fieldError('newPassword')}
          visibilityToggleButtonProps={{ 'aria-label': 'Show or hide new passphrase' }}
        />
        <PasswordInput
          label="New passphrase again"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.currentTarget.value)}
          required
          error={local.confirm}
          visibilityToggleButtonProps={{ 'aria-label': 'Show or hide repeated passphrase' }}
        />
        <Text fz="sm" c="dimmed">
          Do not reuse a passphrase from another website.
        </Text>
        <Button type="submit" loading={pending}>
          {submitLabel}
        </Button>
      </Stack>
    </form>
  );
}
