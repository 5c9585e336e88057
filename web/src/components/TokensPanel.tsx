// API tokens for trust administrators: for scripts and MIS sync. A new token is shown once only.
import { Alert, Badge, Button, Card, Checkbox, Group, NumberInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, type ApiToken, api, isStatus, type Session } from '../api.ts';
import { formatDate, formatDateTime } from '../format.ts';
import { CopyField } from './CopyField.tsx';
import { TableWrap } from './TableWrap.tsx';
import { ErrorAlert } from './ErrorAlert.tsx';
import { Loading } from './Page.tsx';

const SCOPES = [
  { value: 'people:read', label: 'Read people' },
  { value: 'people:write', label: 'Change people' },
  { value: 'audit:read', label: 'Read the audit trail' },
  { value: 'admin', label: 'Administration' },
  { value: 'logs:write', label: 'Send filtering logs and monitoring captures' },
];

export function TokensPanel({ session }: { session: Session }) {
  const client = useQueryClient();
  const q = useQuery({
    queryKey: ['tokens'],
    queryFn: () => api.get<{ tokens: ApiToken[] }>('/tokens'),
    retry: (n, e) => !isStatus(e, 403, 404) && n < 2,
  });
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['people:read']);
  const [days, setDays] = useState<number | string>(90);
  const [schoolId, setSchoolId] = useState<string | null>(null);
  const [local, setLocal] = useState<{ name?: string; scopes?: string }>({});
  const [created, setCreated] = useState<{ token: string; expiresAt: string | null; name: string } | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: (body: { name: string; scopes: string[]; days: number; schoolId?: string }) =>
      api.post<{ id: string; token: string; expiresAt: string | null }>('/tokens', body),
    onSuccess: (r, body) => {
      setCreated({ token: r.token, expiresAt: r.expiresAt, name: body.name });
      setName('');
      void client.invalidateQueries({ queryKey: ['tokens'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.del<void>(`/tokens/${id}`),
    onSuccess: () => {
      setRevoking(null);
      void client.invalidateQueries({ queryKey: ['tokens'] });
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: typeof local = {};
    if (!name.trim()) problems.name = 'Name the token after what will use it, for example “MIS nightly sync”.';
    if (scopes.length === 0) problems.scopes = 'Choose at least one thing the token may do.';
    setLocal(problems);
    if (problems.name || problems.scopes) return;
    create.mutate({ name: name.trim(), scopes, days: Number(days) || 90, ...(schoolId ? { schoolId } : {}) });
  };
  const apiErr = create.error instanceof ApiError ? create.error : null;
  const schoolName = (id: string | null) => (id ? (session.schools.find((s) => s.id === id)?.name ?? 'One school') : 'All schools');

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="tokens-heading">
      <Stack gap="md">
        <Title order={2} fz={20} id="tokens-heading">
          API tokens
        </Title>
        <Text>Tokens let other systems use Haven’s API. Give each one only what it needs, and revoke tokens you no longer use.</Text>
        {created && (
          <Alert color="teal" variant="light" title={`Token “${created.name}” created`}>
            <Stack gap="xs">
              <Text>Copy it now and store it safely. Haven shows it only once{created.expiresAt ? `; it expires on ${formatDate(created.expiresAt)}` : ''}.</Text>
              <CopyField value={created.token} label="API token" />
              <Group>
                <Button size="xs" variant="default" onClick={() => setCreated(null)}>
                  I have stored it
                </Button>
              </Group>
            </Stack>
          </Alert>
        )}
        <form onSubmit={submit} noValidate aria-labelledby="new-token-heading">
          <Stack gap="sm">
            <Title order={3} fz={17} id="new-token-heading">
              New token
            </Title>
            {create.error && <ErrorAlert error={create.error} />}
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required error={local.name ?? apiErr?.fieldError('name')} maw={420} />
            <Checkbox.Group label="May" value={scopes} onChange={setScopes} error={local.scopes ?? apiErr?.fieldError('scopes')} required>
              <Group mt="xs" gap="md">
                {SCOPES.map((s) => (
                  <Checkbox key={s.value} value={s.value} label={s.label} />
                ))}
              </Group>
            </Checkbox.Group>
            <Group gap="sm" align="flex-start" wrap="wrap">
              <NumberInput label="Valid for (days)" value={days} onChange={setDays} min={1} max={365} w={{ base: '100%', xs: 180 }} error={apiErr?.fieldError('days')} />
              <Select
                label="Limited to school"
                placeholder="All schools"
                data={session.schools.map((s) => ({ value: s.id, label: s.name }))}
                value={schoolId}
                onChange={setSchoolId}
                clearable
                clearButtonProps={{ 'aria-label': 'Clear school' }}
                w={{ base: '100%', xs: 260 }}
              />
            </Group>
            <Group>
              <Button type="submit" loading={create.isPending}>
                Create token
              </Button>
            </Group>
          </Stack>
        </form>

        <Title order={3} fz={17}>
          Your trust’s tokens
        </Title>
        {q.isPending && <Loading />}
        {q.error && (isStatus(q.error, 404) ? <Text>Token management is not available yet.</Text> : <ErrorAlert error={q.error} />)}
        {q.data && q.data.tokens.length === 0 && <Text>No tokens yet.</Text>}
        {q.data && q.data.tokens.length > 0 && (
          <TableWrap label="API tokens">
            <Table striped miw={680} aria-label="API tokens">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">May</Table.Th>
                  <Table.Th scope="col">School</Table.Th>
                  <Table.Th scope="col">Expires</Table.Th>
                  <Table.Th scope="col">Last used</Table.Th>
                  <Table.Th scope="col">
                    <span style={{ position: 'absolute', left: -9999 }}>Actions</span>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.tokens.map((t) => (
                  <Table.Tr key={t.id}>
                    <Table.Td className="break-anywhere">{t.name}</Table.Td>
                    <Table.Td>{t.scopes.map((s) => SCOPES.find((x) => x.value === s)?.label ?? s).join(', ')}</Table.Td>
                    <Table.Td>{schoolName(t.schoolId)}</Table.Td>
                    <Table.Td>{formatDate(t.expiresAt)}</Table.Td>
                    <Table.Td>{formatDateTime(t.lastUsedAt)}</Table.Td>
                    <Table.Td>
                      {t.revokedAt ? (
                        <Badge color="gray.8" variant="outline">
                          Revoked
                        </Badge>
                      ) : revoking === t.id ? (
                        <Group gap={4} wrap="nowrap">
                          <Button size="xs" color="red.9" onClick={() => revoke.mutate(t.id)} loading={revoke.isPending}>
                            Yes, revoke
                          </Button>
                          <Button size="xs" variant="default" onClick={() => setRevoking(null)}>
                            Cancel
                          </Button>
                        </Group>
                      ) : (
                        <Button size="xs" variant="outline" color="red.9" onClick={() => setRevoking(t.id)} aria-label={`Revoke ${t.name}`}>
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableWrap>
        )}
        <ErrorAlert error={revoke.error} />
      </Stack>
    </Card>
  );
}
