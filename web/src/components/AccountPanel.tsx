// For headteachers and trust admins on a person's page: the sign-in account, and the fixes
// people ask for (issue an account, unlock, reset two-factor).
import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, api, isStatus, type PersonAccount } from '../api.ts';
import { formatDateTime } from '../format.ts';
import { CopyField } from './CopyField.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Loading } from './Page.tsx';

export function AccountPanel({ personId, suggestedEmail }: { personId: string; suggestedEmail: string | null }) {
  const client = useQueryClient();
  const key = ['person-account', personId];
  const q = useQuery({
    queryKey: key,
    queryFn: () => api.get<{ account: PersonAccount | null }>(`/people/${personId}/account`),
    retry: (n, e) => !isStatus(e, 403, 404) && n < 2,
  });
  const [email, setEmail] = useState(suggestedEmail ?? '');
  const [issued, setIssued] = useState<{ temporaryPassphrase: string } | null>(null);
  const [confirmReset, setConfirmReset] = useState(false);
  const refresh = () => client.invalidateQueries({ queryKey: key });

  const issue = useMutation({
    mutationFn: (e: string) => api.post<{ accountId: string; temporaryPassphrase: string }>(`/people/${personId}/account`, { email: e }),
    onSuccess: (r) => {
      setIssued(r);
      void refresh();
    },
  });
  const unlock = useMutation({ mutationFn: (id: string) => api.post<void>(`/accounts/${id}/unlock`), onSuccess: refresh });
  const reset2fa = useMutation({
    mutationFn: (id: string) => api.post<void>(`/accounts/${id}/reset-two-factor`),
    onSuccess: () => {
      setConfirmReset(false);
      void refresh();
    },
  });

  let body: React.ReactNode;
  if (q.isPending) body = <Loading />;
  else if (q.error) {
    body = isStatus(q.error, 403) ? (
      <Text>You cannot manage this person’s sign-in account.</Text>
    ) : isStatus(q.error, 404) ? (
      <Text>Sign-in account details are not available for this person.</Text>
    ) : (
      <ErrorAlert error={q.error} />
    );
  } else if (!q.data.account) {
    const submit = (e: FormEvent) => {
      e.preventDefault();
      issue.mutate(email.trim());
    };
    const apiErr = issue.error instanceof ApiError ? issue.error : null;
    body = issued ? null : (
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Text>This person cannot sign in yet. Give them an account with a temporary passphrase; they choose their own on first sign-in.</Text>
          {issue.error && !apiErr?.fieldError('email') && <ErrorAlert error={issue.error} />}
          <TextInput
            label="Email address for signing in"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            required
            error={apiErr?.fieldError('email')}
            maw={420}
          />
          <Group>
            <Button type="submit" loading={issue.isPending}>
              Create account
            </Button>
          </Group>
        </Stack>
      </form>
    );
  } else {
    const a = q.data.account;
    body = (
      <Stack gap="sm">
        <Group gap="xs">
          <Text fw={600} className="break-anywhere">
            {a.email}
          </Text>
          {a.locked && <Badge color="red.9">Locked</Badge>}
          <Badge color={a.twoFactorEnabled ? 'teal.9' : 'gray.8'} variant="outline">
            {a.twoFactorEnabled ? 'Two-factor on' : 'Two-factor off'}
          </Badge>
          {a.mustChangePassword && (
            <Badge color="gray.8" variant="outline">
              Temporary passphrase
            </Badge>
          )}
        </Group>
        <Text fz="sm">Last signed in: {formatDateTime(a.lastLoginAt)}</Text>
        {a.locked && (
          <Alert color="yellow" variant="light" title="Locked after wrong passphrases">
            {a.lockedUntil ? `Unlocks by itself at ${formatDateTime(a.lockedUntil)}. ` : ''}Unlock it if you know it is them.
            <Group mt="xs">
              <Button size="xs" onClick={() => unlock.mutate(a.id)} loading={unlock.isPending}>
                Unlock account
              </Button>
            </Group>
          </Alert>
        )}
        <ErrorAlert error={unlock.error} />
        {a.twoFactorEnabled &&
          (confirmReset ? (
            <Alert color="yellow" variant="light" title="Reset two-factor sign-in?">
              They will have to set up their authenticator app again at their next sign-in. Do this only when you have checked it is them.
              <Group mt="xs">
                <Button size="xs" color="red.9" onClick={() => reset2fa.mutate(a.id)} loading={reset2fa.isPending}>
                  Yes, reset two-factor
                </Button>
                <Button size="xs" variant="default" onClick={() => setConfirmReset(false)}>
                  Cancel
                </Button>
              </Group>
            </Alert>
          ) : (
            <Group>
              <Button size="xs" variant="outline" onClick={() => setConfirmReset(true)}>
                Reset two-factor
              </Button>
            </Group>
          ))}
        <ErrorAlert error={reset2fa.error} />
      </Stack>
    );
  }

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="account-heading">
      <Title order={2} fz={20} id="account-heading" mb="sm">
        Sign-in account
      </Title>
      {issued && (
        <Alert color="teal" variant="light" title="Account created" mb="sm">
          <Stack gap="xs">
            <Text>Give this temporary passphrase to them in person or by phone. It is shown only once.</Text>
            <CopyField value={issued.temporaryPassphrase} label="Temporary passphrase" />
          </Stack>
        </Alert>
      )}
      {body}
    </Card>
  );
}
