// A pupil's photo, name and online consents on their record: the current answer per purpose, its
// full history, and (for the office) recording a parent's answer from a paper form or a call.
import { Badge, Button, Card, Group, Radio, Select, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type Person } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { canManageConsents, methodLabel, type PupilConsents } from './types.ts';
import { useSignedIn } from '../../session.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import { Loading } from '../Page.tsx';
import { TableWrap } from '../TableWrap.tsx';

export function ConsentAnswer({ value }: { value: boolean | null }) {
  if (value === true) return <Badge color="teal" variant="light">Yes</Badge>;
  if (value === false) return <Badge color="red.9">No</Badge>;
  return <Badge color="gray.8" variant="outline">Not asked</Badge>;
}

export function ConsentPanel({ pupil }: { pupil: Person }) {
  const session = useSignedIn();
  const client = useQueryClient();
  const key = ['consents', pupil.id];
  const q = useQuery({ queryKey: key, queryFn: () => api.get<PupilConsents>(`/people/${pupil.id}/consents`) });
  const [open, setOpen] = useState<string | null>(null);
  const parents = (pupil.sensitive?.parents ?? []).filter((p) => p.parentalResponsibility);
  const [purpose, setPurpose] = useState<string | null>(null);
  const [value, setValue] = useState<string | null>(null);
  const [parentId, setParentId] = useState<string | null>(parents.length === 1 ? (parents[0]?.id ?? null) : null);
  const record = useMutation({
    mutationFn: () => api.post<void>(`/people/${pupil.id}/consents`, { purpose, value: value === 'yes', parentId, method: 'paper' }),
    onSuccess: async () => {
      setPurpose(null);
      setValue(null);
      await client.invalidateQueries({ queryKey: key });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    record.mutate();
  };
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="consents-heading">
      <Stack gap="sm">
        <Title order={2} fz={20} id="consents-heading">
          Photo, name and online consent
        </Title>
        {q.isPending && <Loading />}
        {q.error && <ErrorAlert error={q.error} />}
        {q.data && (
          <TableWrap label="Consents">
            <Table verticalSpacing="xs" aria-label="Consents" miw={440}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Purpose</Table.Th>
                  <Table.Th scope="col">Answer</Table.Th>
                  <Table.Th scope="col">History</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {q.data.purposes.map((p) => (
                  <Table.Tr key={p.purpose}>
                    <Table.Td>
                      {p.label}
                      {open === p.purpose && (
                        <Stack gap={2} mt={6} component="ul" pl="md" m={0} fz="sm">
                          {[...p.history].reverse().map((h, i) => (
                            <li key={i}>
                              {h.value ? 'Yes' : 'No'} · {formatDateTime(h.at)} · {h.parentName ?? h.by ?? '—'} ({methodLabel(h.method)})
                            </li>
                          ))}
                        </Stack>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <ConsentAnswer value={p.current} />
                    </Table.Td>
                    <Table.Td>
                      {p.history.length === 0 ? (
                        <Text fz="sm">None</Text>
                      ) : (
                        <UnstyledButton
                          fz="sm"
                          c="blue.8"
                          td="underline"
                          onClick={() => setOpen(open === p.purpose ? null : p.purpose)}
                          aria-expanded={open === p.purpose}
                          aria-label={open === p.purpose ? `Hide history of ${p.label}` : `${p.history.length} ${p.history.length === 1 ? 'record' : 'records'}: history of ${p.label}`}
                        >
                          {open === p.purpose ? 'Hide' : `${p.history.length} ${p.history.length === 1 ? 'record' : 'records'}`}
                        </UnstyledButton>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableWrap>
        )}
        {q.data && canManageConsents(session) && (
          <Stack gap="sm" component="form" onSubmit={submit} aria-labelledby="record-consent-heading" mt="sm">
            <Title order={3} fz={17} id="record-consent-heading">
              Record a parent’s answer (paper form)
            </Title>
            {parents.length === 0 ? (
              <Text fz="sm">No parent with parental responsibility is linked to this pupil, so no answer can be recorded.</Text>
            ) : (
              <>
                <Group align="flex-end" gap="sm" wrap="wrap">
                  <Select
                    label="Purpose"
                    data={q.data.purposes.map((p) => ({ value: p.purpose, label: p.label }))}
                    value={purpose}
                    onChange={setPurpose}
                    w={{ base: '100%', sm: 360 }}
                    comboboxProps={{ withinPortal: true }}
                  />
                  <Select
                    label="Given by"
                    data={parents.map((p) => ({ value: p.id, label: p.name }))}
                    value={parentId}
                    onChange={setParentId}
                    w={{ base: '100%', sm: 240 }}
                    comboboxProps={{ withinPortal: true }}
                  />
                </Group>
                <Radio.Group label="Answer" value={value} onChange={setValue}>
                  <Group gap="lg" mt={4}>
                    <Radio value="yes" label="Yes" />
                    <Radio value="no" label="No" />
                  </Group>
                </Radio.Group>
                {record.error && <ErrorAlert error={record.error} title="The answer was not recorded" />}
                {record.isSuccess && (
                  <Text role="status" c="teal.9" fw={600}>
                    Answer recorded.
                  </Text>
                )}
                <Group>
                  <Button type="submit" disabled={!purpose || !value || !parentId} loading={record.isPending}>
                    Record answer
                  </Button>
                </Group>
              </>
            )}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
