// A school's log sources: list, add and edit (a format picker, and for other exports a column per
// field), delete when unused.
import { Box, Button, Card, Checkbox, Group, NativeSelect, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';
import { type Format, GENERIC_FIELDS, type GenericMapping, type Source, TIME_FORMATS } from './types.ts';

type Draft = { name: string; format: string; watchPath: string; kind: 'csv' | 'json'; timeFormat: string; delimiter: string; fields: Record<string, string> };

const emptyDraft = (): Draft => ({ name: '', format: 'squid', watchPath: '', kind: 'csv', timeFormat: 'iso', delimiter: ',', fields: {} });

function draftOf(s: Source): Draft {
  const m = s.options.mapping;
  return {
    name: s.name,
    format: s.format,
    watchPath: s.watchPath ?? '',
    kind: m?.kind ?? 'csv',
    timeFormat: m?.timeFormat ?? 'iso',
    delimiter: m?.delimiter ?? ',',
    fields: Object.fromEntries(Object.entries(m?.fields ?? {}).map(([k, v]) => [k, String(v)])),
  };
}

/** The request body: a column given as digits is a 0-based column index (for files without a header). */
function bodyOf(d: Draft) {
  const body: { name: string; format: string; watchPath: string | null; options: { mapping?: GenericMapping } } = {
    name: d.name,
    format: d.format,
    watchPath: d.watchPath.trim() || null,
    options: {},
  };
  if (d.format === 'generic') {
    const fields: GenericMapping['fields'] = {};
    for (const [k, v] of Object.entries(d.fields)) {
      const t = v.trim();
      if (t) fields[k] = d.kind === 'csv' && /^\d+$/.test(t) ? Number(t) : t;
    }
    body.options.mapping = { kind: d.kind, fields, timeFormat: d.timeFormat, ...(d.kind === 'csv' && d.delimiter !== ',' ? { delimiter: d.delimiter } : {}) };
  }
  return body;
}

function SourceForm({ schoolId, formats, editing, onDone }: { schoolId: string; formats: Format[]; editing: Source | null; onDone: () => void }) {
  const client = useQueryClient();
  const [d, setD] = useState<Draft>(editing ? draftOf(editing) : emptyDraft());
  const save = useMutation({
    mutationFn: () => (editing ? api.patch<Source>(`/log-sources/${editing.id}`, bodyOf(d)) : api.post<Source>(`/schools/${schoolId}/log-sources`, bodyOf(d))),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['logs'] });
      onDone();
    },
  });
  return (
    <Card withBorder padding="md">
      <Stack
        component="form"
        gap="sm"
        aria-labelledby="source-form-heading"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Title order={3} fz={18} id="source-form-heading">
          {editing ? `Change ${editing.name}` : 'Add a log source'}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Name" required value={d.name} onChange={(e) => setD({ ...d, name: e.currentTarget.value })} description="Like “Smoothwall export” or “Proxy access.log”" />
          <NativeSelect label="Format" data={formats.map((f) => ({ value: f.id, label: f.label }))} value={d.format} onChange={(e) => setD({ ...d, format: e.currentTarget.value })} />
          <TextInput label="Watched folder (optional)" value={d.watchPath} onChange={(e) => setD({ ...d, watchPath: e.currentTarget.value })} description="A folder on the Haven server that is read as files arrive" />
        </SimpleGrid>
        {d.format === 'generic' && (
          <Stack gap="sm" component="fieldset" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8, padding: 12 }}>
            <Text component="legend" fw={600} px={4}>
              Column mapping
            </Text>
            <Text fz="sm" c="dimmed">
              For each field, write the column name from the export's header row (or its number from 0 when there is no header). For JSON lines, write the key, like client.ip. Leave a field empty when the export does not have it.
            </Text>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <NativeSelect label="File type" data={[{ value: 'csv', label: 'CSV' }, { value: 'json', label: 'JSON lines' }]} value={d.kind} onChange={(e) => setD({ ...d, kind: e.currentTarget.value as 'csv' | 'json' })} />
              <NativeSelect label="Time format" data={TIME_FORMATS} value={d.timeFormat} onChange={(e) => setD({ ...d, timeFormat: e.currentTarget.value })} />
              {d.kind === 'csv' && (
                <Checkbox mt={{ base: 0, sm: 30 }} label="Separated by semicolons" checked={d.delimiter === ';'} onChange={(e) => setD({ ...d, delimiter: e.currentTarget.checked ? ';' : ',' })} />
              )}
            </SimpleGrid>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              {GENERIC_FIELDS.map((f) => (
                <TextInput key={f.field} label={f.label} value={d.fields[f.field] ?? ''} onChange={(e) => setD({ ...d, fields: { ...d.fields, [f.field]: e.currentTarget.value } })} />
              ))}
            </SimpleGrid>
          </Stack>
        )}
        {save.error && <ErrorAlert error={save.error} title="The source was not saved" />}
        <Group gap="sm">
          <Button type="submit" loading={save.isPending}>
            {editing ? 'Save changes' : 'Add source'}
          </Button>
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function SourcesSection({ schoolId, sources, formats, canManage }: { schoolId: string; sources: Source[]; formats: Format[]; canManage: boolean }) {
  const client = useQueryClient();
  const [editing, setEditing] = useState<Source | 'new' | null>(null);
  const remove = useMutation({
    mutationFn: (id: string) => api.del(`/log-sources/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['logs'] }),
  });
  return (
    <Stack gap="sm" component="section" aria-labelledby="sources-heading">
      <Group justify="space-between">
        <Title order={2} fz={20} id="sources-heading">
          Log sources
        </Title>
        {canManage && editing === null && <Button onClick={() => setEditing('new')}>Add a source</Button>}
      </Group>
      {editing !== null && <SourceForm key={editing === 'new' ? 'new' : editing.id} schoolId={schoolId} formats={formats} editing={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      {sources.length === 0 ? (
        <Text c="dimmed">No sources yet. Add one to save a format and its options, or upload a log with one of the formats above.</Text>
      ) : (
        <>
          <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Log sources" hiddenFrom="sm">
            {sources.map((s) => (
              <Card key={s.id} withBorder padding="sm" component="li">
                <Text fw={700}>{s.name}</Text>
                <Text fz="sm">{s.formatLabel}</Text>
                {s.watchPath && (
                  <Text fz="sm" c="dimmed" className="break-anywhere">
                    Watches {s.watchPath}
                  </Text>
                )}
                {canManage && (
                  <Group gap={6} mt={6}>
                    <Button size="xs" variant="default" onClick={() => setEditing(s)} aria-label={`Change ${s.name}`}>
                      Change
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(s.id)} aria-label={`Delete ${s.name}`}>
                      Delete
                    </Button>
                  </Group>
                )}
              </Card>
            ))}
          </Stack>
          <Box visibleFrom="sm">
            <TableWrap label="Log sources">
              <Table striped verticalSpacing="xs" aria-label="Log sources">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Name</Table.Th>
                    <Table.Th scope="col">Format</Table.Th>
                    <Table.Th scope="col">Watched folder</Table.Th>
                    {canManage && <Table.Th scope="col">Actions</Table.Th>}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {sources.map((s) => (
                    <Table.Tr key={s.id}>
                      <Table.Td fw={600}>{s.name}</Table.Td>
                      <Table.Td>{s.formatLabel}</Table.Td>
                      <Table.Td className="break-anywhere">{s.watchPath ?? '—'}</Table.Td>
                      {canManage && (
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            <Button size="xs" variant="default" onClick={() => setEditing(s)} aria-label={`Change ${s.name}`}>
                              Change
                            </Button>
                            <Button size="xs" variant="subtle" color="red" onClick={() => remove.mutate(s.id)} aria-label={`Delete ${s.name}`}>
                              Delete
                            </Button>
                          </Group>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableWrap>
          </Box>
        </>
      )}
      {remove.error && <ErrorAlert error={remove.error} title="The source was not deleted" />}
    </Stack>
  );
}
