// The steps a new account must finish before anything else: a passphrase of its own, and
// two-factor sign-in for roles that need it.
import { Anchor, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, setCsrfToken } from '../api.ts';
import { PassphraseForm } from '../components/PassphraseForm.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { TwoFactorSetup } from '../components/TwoFactorSetup.tsx';
import { SESSION_KEY } from '../session.ts';

function SignOutLink() {
  const client = useQueryClient();
  const out = useMutation({
    mutationFn: () => api.post<void>('/auth/logout'),
    onSettled: () => {
      setCsrfToken(null);
      client.clear();
      client.setQueryData(SESSION_KEY, null);
    },
  });
  return (
    // A plain link-style button: Mantine's subtle grey is too pale on white (3.3:1).
    <Anchor component="button" type="button" onClick={() => out.mutate()} style={{ alignSelf: 'flex-start' }}>
      Sign out
    </Anchor>
  );
}

export function FirstPassphrasePage() {
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (body: { currentPassword?: string; newPassword: string }) => api.post<void>('/auth/password', body),
    onSuccess: () => client.invalidateQueries({ queryKey: SESSION_KEY }),
  });
  useEffect(() => {
    document.title = 'Choose your passphrase – Haven';
  }, []);
  return (
    <PublicLayout>
      <Stack gap="md">
        <Title order={1} fz={28}>
          Choose your own passphrase
        </Title>
        <Text>You signed in with a temporary passphrase. Type it once more, then choose one only you know before you continue.</Text>
        <PassphraseForm
          askCurrent
          currentLabel="Temporary passphrase"
          submitLabel="Save and continue" pending={change.isPending} error={change.error} onSubmit={(i) => change.mutate(i)} />
        <SignOutLink />
      </Stack>
    </PublicLayout>
  );
}

export function EnrolTwoFactorPage() {
  const client = useQueryClient();
  useEffect(() => {
    document.title = 'Set up two-factor sign-in – Haven';
  }, []);
  return (
    <PublicLayout>
      <Stack gap="md">
        <Title order={1} fz={28}>
          Set up two-factor sign-in
        </Title>
        <Text>Your role needs a second check when you sign in. This takes about a minute.</Text>
        <TwoFactorSetup onDone={() => client.invalidateQueries({ queryKey: SESSION_KEY })} />
        <SignOutLink />
      </Stack>
    </PublicLayout>
  );
}
