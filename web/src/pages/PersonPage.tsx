// One person's record, with the fields the server chose to return for this viewer.
import { Alert, Anchor, Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, isStatus, type Person } from '../api.ts';
import { AccountPanel } from '../components/AccountPanel.tsx';
import { ConsentPanel } from '../components/agreements/ConsentPanel.tsx';
import { TableWrap } from '../components/TableWrap.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { Loading, Page } from '../components/Page.tsx';
import { ContactLinks } from '../components/RoleHolders.tsx';
import { formatDate, kindLabel, yearLabel } from '../format.ts';
import { isResponder } from '../components/concerns/types.ts';
import { canManageAccounts, useSignedIn } from '../session.ts';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" fz="sm" fw={700} c="gray.8">
        {label}
      </Text>
      <Text component="dd" m={0} className="break-anywhere">
        {children === null || children === undefined || children === '' ? '—' : children}
      </Text>
    </div>
  );
}

export function PersonPage() {
  const { personId = '' } = useParams();
  const session = useSignedIn();
  const q = useQuery({
    queryKey: ['person', personId],
    queryFn: () => api.get<Person>(`/people/${encodeURIComponent(personId)}`),
    retry: (n, e) => !isStatus(e, 400, 403, 404) && n < 2,
  });

  if (q.isPending) return <Loading />;
  if (q.error) {
    return (
      <Page title="Person not found">
        {isStatus(q.error, 404, 400) ? (
          <Alert color="yellow" title="We cannot show this record">
            This person is not in your school, or the link is wrong.
          </Alert>
        ) : (
          <ErrorAlert error={q.error} />
        )}
        <Anchor component={Link} to="/people">
          Back to people
        </Anchor>
      </Page>
    );
  }
  const p = q.data;
  const name = `${p.preferredName ?? p.givenName} ${p.familyName}`;
  const s = p.sensitive;
  return (
    <Page
      title={name}
      actions={
        <Group gap="xs">
          <Badge variant="light" color="blue">
            {kindLabel(p.kind)}
          </Badge>
          {p.status !== 'active' && (
            <Badge variant="outline" color="gray.8">
              {p.status === 'leaver' ? 'Leaver' : p.status}
            </Badge>
          )}
        </Group>
      }
    >
      <Group gap="lg">
        <Anchor component={Link} to="/people">
          Back to people
        </Anchor>
        {p.kind === 'pupil' && isResponder(session) && (
          <Anchor component={Link} to={`/people/${p.id}/chronology`}>
            Chronology
          </Anchor>
        )}
      </Group>
      <Card withBorder padding="lg" component="section" aria-labelledby="details-heading">
        <Title order={2} fz={20} id="details-heading" mb="sm">
          Details
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md" component="dl" m={0}>
          <Field label="Given name">{p.givenName}</Field>
          <Field label="Family name">{p.familyName}</Field>
          {p.preferredName && <Field label="Known as">{p.preferredName}</Field>}
          {p.jobTitle && <Field label="Job title">{p.jobTitle}</Field>}
          {p.organisation && <Field label="Organisation">{p.organisation}</Field>}
          {p.kind === 'pupil' && <Field label="Year group">{yearLabel(p.yearGroup)}</Field>}
          {p.registrationGroup && <Field label="Registration group">{p.registrationGroup}</Field>}
          {p.keyStage && <Field label="Key stage">{p.keyStage}</Field>}
          {p.email && <Field label="Email">{<ContactLinks email={p.email} phone={null} />}</Field>}
        </SimpleGrid>
      </Card>

      {p.roles.length > 0 && (
        <Card withBorder padding="lg" component="section" aria-labelledby="roles-heading">
          <Title order={2} fz={20} id="roles-heading" mb="sm">
            Roles
          </Title>
          <Group gap="xs">
            {p.roles.map((r) => (
              <Badge key={`${r.role}:${r.schoolId}`} variant="light" color="blue" size="lg">
                {r.label}
                {r.schoolId === null ? ' (trust-wide)' : ''}
              </Badge>
            ))}
          </Group>
        </Card>
      )}

      {s ? (
        <Card withBorder padding="lg" component="section" aria-labelledby="sensitive-heading">
          <Title order={2} fz={20} id="sensitive-heading">
            Protected details
          </Title>
          <Text fz="sm" mb="sm">
            Your viewing of these details is recorded in the audit trail.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md" component="dl" m={0}>
            {s.upn && <Field label="UPN">{s.upn}</Field>}
            {s.staffCode && <Field label="Staff code">{s.staffCode}</Field>}
            {s.dateOfBirth && <Field label="Date of birth">{formatDate(s.dateOfBirth)}</Field>}
            {p.kind === 'pupil' && <Field label="SEND">{s.sendFlag ? (s.sendStatus ?? 'Yes') : 'No'}</Field>}
            {(s.email || s.phone) && (
              <Field label="Contact">
                <ContactLinks email={s.email} phone={s.phone} />
              </Field>
            )}
            {s.leftOn && <Field label="Left on">{formatDate(s.leftOn)}</Field>}
          </SimpleGrid>

          {s.parents.length > 0 && (
            <Stack gap="xs" mt="lg">
              <Title order={3} fz={17}>
                Parents and carers
              </Title>
              <TableWrap label="Parents and carers">
                <Table miw={480} aria-label="Parents and carers">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Name</Table.Th>
                      <Table.Th scope="col">Relationship</Table.Th>
                      <Table.Th scope="col">Parental responsibility</Table.Th>
                      <Table.Th scope="col">Contact</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {s.parents.map((x) => (
                      <Table.Tr key={x.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/people/${x.id}`}>
                            {x.name}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>{x.relationship ?? '—'}</Table.Td>
                        <Table.Td>{x.parentalResponsibility ? 'Yes' : 'No'}</Table.Td>
                        <Table.Td>
                          <ContactLinks email={x.email} phone={x.phone} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </TableWrap>
            </Stack>
          )}
          {s.children.length > 0 && (
            <Stack gap="xs" mt="lg">
              <Title order={3} fz={17}>
                Children
              </Title>
              <Stack gap={4} component="ul" m={0} pl="lg">
                {s.children.map((c) => (
                  <li key={c.id}>
                    <Anchor component={Link} to={`/people/${c.id}`}>
                      {c.name}
                    </Anchor>{' '}
                    — {yearLabel(c.yearGroup)}
                    {c.registrationGroup ? ` · ${c.registrationGroup}` : ''}
                  </li>
                ))}
              </Stack>
            </Stack>
          )}
        </Card>
      ) : (
        p.kind === 'pupil' && (
          <Alert color="gray" variant="light" title="Protected details hidden">
            Dates of birth, UPNs and family contacts are shown only to safeguarding and office roles.
          </Alert>
        )
      )}

      {p.kind === 'pupil' && <ConsentPanel pupil={p} />}

      {canManageAccounts(session) && p.kind !== 'pupil' && <AccountPanel personId={p.id} suggestedEmail={s?.email ?? p.email} />}
    </Page>
  );
}
