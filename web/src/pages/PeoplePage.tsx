// The people directory of the current school: search as you type, filter, page through.
import { Anchor, Badge, Group, Pagination, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, type PeoplePage as PeopleResult } from '../api.ts';
import { TableWrap } from '../components/TableWrap.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { Loading, Page } from '../components/Page.tsx';
import { KIND_LABELS, kindLabel, yearLabel } from '../format.ts';
import { currentSchool, useSignedIn } from '../session.ts';

const PAGE_SIZE = 25;
const YEARS = ['N', 'R', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13'];

export function PeoplePage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const [kind, setKind] = useState<string | null>(null);
  const [year, setYear] = useState<string | null>(null);
  const [leavers, setLeavers] = useState(false);
  const [page, setPage] = useState(1);

  // A new search starts at page 1.
  useEffect(() => setPage(1), [debounced, kind, year, leavers, school?.id]);

  const query = {
    q: debounced,
    kind: kind ?? undefined,
    yearGroup: year ?? undefined,
    includeLeavers: leavers ? 'true' : undefined,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  };
  const people = useQuery({
    queryKey: ['people', school?.id, query],
    queryFn: () => api.get<PeopleResult>(`/schools/${school?.id}/people`, query),
    enabled: Boolean(school),
    placeholderData: keepPreviousData,
  });
  const total = people.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <Page title="People" intro={school ? `Staff, pupils and others at ${school.name}.` : undefined}>
      <Stack gap="sm" component="form" role="search" aria-label="Find people" onSubmit={(e) => e.preventDefault()}>
        <TextInput
          label="Search by name, email or UPN"
          type="search"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          placeholder="For example: Whitlock"
        />
        <Group gap="sm" align="flex-end" wrap="wrap">
          <Select
            label="Kind"
            placeholder="Everyone"
            data={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))}
            value={kind}
            onChange={setKind}
            clearable
            w={{ base: '100%', xs: 200 }}
            clearButtonProps={{ 'aria-label': 'Clear kind' }}
          />
          <Select
            label="Year group"
            placeholder="All years"
            data={YEARS.map((y) => ({ value: y, label: yearLabel(y) }))}
            value={year}
            onChange={setYear}
            clearable
            w={{ base: '100%', xs: 180 }}
            clearButtonProps={{ 'aria-label': 'Clear year group' }}
          />
          <Switch label="Include leavers" checked={leavers} onChange={(e) => setLeavers(e.currentTarget.checked)} mb={8} />
        </Group>
      </Stack>

      {people.error && <ErrorAlert error={people.error} />}
      {people.isPending && school && <Loading />}
      {people.data && (
        <Stack gap="sm">
          <Text role="status" aria-live="polite" fw={600}>
            {total === 0 ? 'No people match.' : `${total} ${total === 1 ? 'person' : 'people'}${total > PAGE_SIZE ? ` — page ${page} of ${pages}` : ''}`}
          </Text>
          {total > 0 && (
            <TableWrap label={`People at ${school?.name ?? "this school"}`}>
              <Table striped highlightOnHover verticalSpacing="xs" aria-label={`People at ${school?.name ?? "this school"}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Name</Table.Th>
                    <Table.Th scope="col">Kind</Table.Th>
                    <Table.Th scope="col">Year / class</Table.Th>
                    <Table.Th scope="col" visibleFrom="sm">
                      Job title
                    </Table.Th>
                    <Table.Th scope="col" visibleFrom="sm">
                      Status
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {people.data.people.map((p) => (
                    <Table.Tr key={p.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/people/${p.id}`} fw={600}>
                          {p.name}
                        </Anchor>
                        {p.status !== 'active' && (
                          <Badge hiddenFrom="sm" color="gray.8" variant="outline" ml={6}>
                            Leaver
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{kindLabel(p.kind)}</Table.Td>
                      <Table.Td>
                        {p.yearGroup ? yearLabel(p.yearGroup) : '—'}
                        {p.registrationGroup ? ` · ${p.registrationGroup}` : ''}
                      </Table.Td>
                      <Table.Td visibleFrom="sm">{p.jobTitle ?? '—'}</Table.Td>
                      <Table.Td visibleFrom="sm">
                        {p.status === 'active' ? (
                          'Current'
                        ) : (
                          <Badge color="gray.8" variant="outline">
                            {p.status === 'leaver' ? 'Leaver' : p.status}
                          </Badge>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </TableWrap>
          )}
          {pages > 1 && (
            <Pagination
              total={pages}
              value={page}
              onChange={setPage}
              siblings={1}
              boundaries={1}
              getControlProps={(control) => ({ 'aria-label': `${control} page` })}
              getItemProps={(p) => ({ 'aria-label': `Page ${p}`, 'aria-current': p === page ? 'page' : undefined })}
            />
          )}
        </Stack>
      )}
    </Page>
  );
}
