// Your own account: passphrase, two-factor sign-in, quick hide, and API tokens for trust admins.
import { Alert, Badge, Button, Card, Group, Kbd, List, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api.ts';
import { PassphraseForm } from '../components/PassphraseForm.tsx';
import { Page } from '../components/Page.tsx';
import { NEUTRAL_URL } from '../components/quick-hide.ts';
import { TokensPanel } from '../components/TokensPanel.tsx';
import { TwoFactorSetup } from '../components/TwoFactorSetup.tsx';
import { canManageTokens, SESSION_KEY, useSignedIn } from '../session.ts';

export function AccountPage() {
  const session = useSignedIn();
  const client = useQueryClient();
  const [formKey, setFormKey] = useState(0);
  const [settingUp, setSettingUp] = useState(false);
  const change = useMutation({
    mutationFn: (body: { currentPassword?: string; newPassword: string }) => api.post<void>('/auth/password', body),
    onSuccess: () => setFormKey((k) => k + 1),
  });

  return (
    <Page title="Your account" intro={`${session.account.displayName} · ${session.account.email}`}>
      <Card withBorder padding="lg" component="section" aria-labelledby="roles-heading">
        <Title order={2} fz={20} id="roles-heading" mb="sm">
          Your roles
        </Title>
        {session.roles.length === 0 ? (
          <Text>You hold no roles yet.</Text>
        ) : (
          <List>
            {session.roles.map((r) => (
              <List.Item key={`${r.role}:${r.schoolId}`}>
                {r.label} — {r.schoolId ? (session.schools.find((s) => s.id === r.schoolId)?.name ?? 'a school') : 'whole trust'}
              </List.Item>
            ))}
          </List>
        )}
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="pass-heading">
        <Title order={2} fz={20} id="pass-heading" mb="sm">
          Change passphrase
        </Title>
        {change.isSuccess && (
          <Alert color="teal" variant="light" title="Passphrase changed" role="status" mb="sm">
            Use your new passphrase next time you sign in.
          </Alert>
        )}
        <Stack maw={460}>
          <PassphraseForm key={formKey} askCurrent submitLabel="Change passphrase" pending={change.isPending} error={change.error} onSubmit={(i) => change.mutate(i)} />
        </Stack>
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="tfa-heading">
        <Group gap="sm" mb="sm">
          <Title order={2} fz={20} id="tfa-heading">
            Two-factor sign-in
          </Title>
          <Badge color={session.account.twoFactorEnabled ? 'teal.9' : 'gray.8'} variant="outline">
            {session.account.twoFactorEnabled ? 'On' : 'Off'}
          </Badge>
        </Group>
        {session.account.twoFactorEnabled ? (
          <Text>You enter a code from your authenticator app when you sign in. If you lose your phone, ask your headteacher or trust administrator to reset it.</Text>
        ) : settingUp ? (
          <Stack maw={520}>
            <TwoFactorSetup
              onDone={() => {
                setSettingUp(false);
                void client.invalidateQueries({ queryKey: SESSION_KEY });
              }}
            />
          </Stack>
        ) : (
          <Stack gap="sm" align="flex-start">
            <Text>Add a code from your phone to your sign-in, so a stolen passphrase is not enough.</Text>
            <Button onClick={() => setSettingUp(true)}>Set up two-factor sign-in</Button>
          </Stack>
        )}
      </Card>

      <Card withBorder padding="lg" component="section" aria-labelledby="hide-heading">
        <Title order={2} fz={20} id="hide-heading" mb="sm">
          Quick hide
        </Title>
        <Text>
          If someone comes up behind you, press the <strong>Quick hide</strong> button at the top of the screen, or press <Kbd>Esc</Kbd> twice
          quickly. Haven is covered at once and the tab shows the BBC weather page ({NEUTRAL_URL}) instead. You stay signed in: come back to
          Haven in a new tab when it is safe. To leave completely, sign out.
        </Text>
      </Card>

      {canManageTokens(session) && <TokensPanel session={session} />}
    </Page>
  );
}
