// Two-factor enrolment: scan the QR code (or type the secret), then confirm with a current code.
import { Alert, Button, Code, Group, Image, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, type TwoFactorSetup as Setup } from '../api.ts';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Loading } from './Page.tsx';

/** Groups of four characters are easier to type from the screen. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

export function TwoFactorSetup({ onDone }: { onDone: () => void }) {
  const setup = useQuery({
    queryKey: ['two-factor-setup'],
    queryFn: () => api.post<Setup>('/auth/two-factor/setup'),
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    retry: false,
    refetchOnWindowFocus: false,
  });
  const [code, setCode] = useState('');
  const [local, setLocal] = useState<string | null>(null);
  const confirm = useMutation({
    mutationFn: (c: string) => api.post<void>('/auth/two-factor/confirm', { code: c }),
    onSuccess: onDone,
  });

  if (setup.isPending) return <Loading label="Preparing your two-factor set-up…" />;
  if (setup.error) return <ErrorAlert error={setup.error} title="Two-factor set-up is not available" />;
  const s = setup.data;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const clean = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(clean)) {
      setLocal('Enter the 6 digits shown in your authenticator app.');
      return;
    }
    setLocal(null);
    confirm.mutate(clean);
  };
  const apiErr = confirm.error instanceof ApiError ? confirm.error : null;

  return (
    <Stack gap="md">
      <Text>
        <strong>Step 1.</strong> Open an authenticator app on your phone (for example Microsoft Authenticator or Google Authenticator)
        and scan this code.
      </Text>
      <Group justify="center">
        <Image src={s.qrDataUrl} alt="QR code to add Haven to your authenticator app" w={200} h={200} fit="contain" />
      </Group>
      <Text>If you cannot scan it, choose “enter a setup key” in the app and type this key:</Text>
      {/* Wraps rather than scrolls: a scrolling box would need its own keyboard stop on a phone. */}
      <Code block fz="lg" className="break-anywhere" style={{ whiteSpace: 'pre-wrap' }} aria-label="Setup key">
        {grouped(s.secret)}
      </Code>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text>
            <strong>Step 2.</strong> Enter the 6-digit code the app now shows.
          </Text>
          <TextInput
            label="6-digit code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={8}
            value={code}
            onChange={(e) => setCode(e.currentTarget.value)}
            error={local ?? apiErr?.fieldError('code') ?? (apiErr && apiErr.status < 500 ? apiErr.detail : undefined)}
            required
            styles={{ input: { letterSpacing: '0.3em', fontSize: 20 } }}
          />
          {confirm.error && !(apiErr && apiErr.status < 500) && <ErrorAlert error={confirm.error} />}
          <Button type="submit" loading={confirm.isPending}>
            Turn on two-factor sign-in
          </Button>
        </Stack>
      </form>
      <Alert color="blue" variant="light" title="Why we ask">
        Haven holds information about children. A code from your phone stops anyone who learns your passphrase from signing in.
      </Alert>
    </Stack>
  );
}
