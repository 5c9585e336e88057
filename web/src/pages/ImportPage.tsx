// Import wizard: upload a CSV, match its columns to Haven's fields, check every row, then commit.
// Nothing changes in the directory until "Import" is pressed on a file with no errors.
import { Alert, Anchor, Badge, Button, Card, FileInput, Group, Radio, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, type ImportListItem, type ImportPreview, isStatus } from '../api.ts';
import { TableWrap } from '../components/TableWrap.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { Loading, Page } from '../components/Page.tsx';
import { formatDateTime } from '../format.ts';
import { canManagePeople, currentSchool, useSignedIn } from '../session.ts';

type Step = 'upload' | 'map' | 'check' | 'done';
const STEPS: { key: Step; label: string }[] = [
  { key: 'upload', label: 'Upload' },
  { key: 'map', label: 'Match columns' },
  { key: 'check', label: 'Check and import' },
];

function Steps({ step }: { step: Step }) {
  const index = step === 'done' ? STEPS.length : STEPS.findIndex((s) => s.key === step);
  return (
    <Group component="ol" gap="xs" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Import steps">
      {STEPS.map((s, i) => (
        <Badge
          key={s.key}
          component="li"
          size="lg"
          radius="sm"
          variant={i === index ? 'filled' : 'outline'}
          color={i < index ? 'teal.9' : i === index ? 'blue' : 'gray.8'}
          aria-current={i === index ? 'step' : undefined}
          tt="none"
        >
          {i + 1}. {s.label}
          {i < index ? ' ✓' : ''}
        </Badge>
      ))}
    </Group>
  );
}

function Summary({ preview }: { preview: ImportPreview }) {
  const s = preview.summary;
  const items: [string, number][] = [
    ['Rows', s.rows],
    ['Ready', s.valid],
    ['With errors', s.invalid],
    ['New people', s.creates],
    ['Updated', s.updates],
    ['Unchanged', s.unchanged],
    ['Leavers', s.leavers],
  ];
  return (
    <SimpleGrid cols={{ base: 2, xs: 4, md: 7 }} spacing="xs" component="dl" m={0}>
      {items.map(([label, value]) => (
        <Card key={label} withBorder padding="xs" bg={label === 'With errors' && value > 0 ? 'red.0' : undefined}>
          <Text component="dt" fz="sm" fw={600}>
            {label}
          </Text>
          <Text component="dd" m={0} fz={22} fw={700}>
            {value ?? 0}
          </Text>
        </Card>
      ))}
    </SimpleGrid>
  );
}

function fieldLabel(preview: ImportPreview, key: string): string {
  return preview.fields.find((f) => f.key === key)?.label ?? key;
}

function ErrorsTable({ preview }: { preview: ImportPreview }) {
  if (preview.errors.length === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={3} fz={18}>
        Rows to fix ({preview.errors.length})
      </Title>
      <Text>Correct these rows in your spreadsheet, save it as CSV again and upload it. Row numbers match the spreadsheet.</Text>
      <TableWrap label="Rows to fix">
        <Table striped miw={480} aria-label="Rows to fix">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Row</Table.Th>
              <Table.Th scope="col">Field</Table.Th>
              <Table.Th scope="col">What to fix</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.errors.slice(0, 200).map((e, i) => (
              <Table.Tr key={`${e.row}:${e.field}:${i}`}>
                <Table.Td>{e.row}</Table.Td>
                <Table.Td>{fieldLabel(preview, e.field)}</Table.Td>
                <Table.Td>{e.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableWrap>
      {preview.errors.length > 200 && <Text fz="sm">Showing the first 200 of {preview.errors.length} problems.</Text>}
    </Stack>
  );
}

function SampleTable({ preview }: { preview: ImportPreview }) {
  if (preview.sample.length === 0) return null;
  const keys = preview.fields.filter((f) => preview.mapping[f.key]).map((f) => f.key);
  return (
    <Stack gap="xs">
      <Title order={3} fz={18}>
        First rows as Haven reads them
      </Title>
      <TableWrap label="Sample of rows">
        <Table striped miw={560} aria-label="Sample of rows">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Row</Table.Th>
              {keys.map((k) => (
                <Table.Th scope="col" key={k}>
                  {fieldLabel(preview, k)}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.sample.map((r) => (
              <Table.Tr key={r.row}>
                <Table.Td>{r.row}</Table.Td>
                {keys.map((k) => (
                  <Table.Td key={k}>{r.values[k] ?? ''}</Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </TableWrap>
    </Stack>
  );
}

function PastImports({ schoolId }: { schoolId: string }) {
  const q = useQuery({
    queryKey: ['imports', schoolId],
    queryFn: () => api.get<{ imports: ImportListItem[] }>(`/schools/${schoolId}/imports`),
    retry: (n, e) => !isStatus(e, 403, 404) && n < 2,
  });
  return (
    <Stack gap="xs" component="section" aria-labelledby="past-heading">
      <Title order={2} fz={20} id="past-heading">
        Past imports
      </Title>
      {q.isPending && <Loading />}
      {q.error && (isStatus(q.error, 404) ? <Text>The list of past imports is not available yet.</Text> : <ErrorAlert error={q.error} />)}
      {q.data && q.data.imports.length === 0 && <Text>No imports yet.</Text>}
      {q.data && q.data.imports.length > 0 && (
        <TableWrap label="Past imports">
          <Table striped miw={560} aria-label="Past imports">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">File</Table.Th>
                <Table.Th scope="col">Kind</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Rows</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.imports.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>{formatDateTime(i.createdAt)}</Table.Td>
                  <Table.Td className="break-anywhere">{i.fileName}</Table.Td>
                  <Table.Td>{i.kind === 'pupils' ? 'Pupils' : i.kind === 'staff' ? 'Staff' : i.kind}</Table.Td>
                  <Table.Td>{i.status === 'committed' ? 'Imported' : i.status === 'preview' ? 'Not imported' : i.status}</Table.Td>
                  <Table.Td>{i.summary?.rows ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableWrap>
      )}
    </Stack>
  );
}

export function ImportPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const client = useQueryClient();
  const [step, setStep] = useState<Step>('upload');
  const [kind, setKind] = useState('pupils');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const headingRef = useRef<HTMLHeadingElement>(null);
  const base = `/schools/${school?.id}/imports`;

  const firstStep = useRef(true);
  useEffect(() => {
    // Move focus to the new step's heading, but not when the page first opens.
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const accept = (p: ImportPreview, next: Step) => {
    setPreview(p);
    setMapping(p.mapping ?? {});
    setStep(next);
  };

  const upload = useMutation({
    mutationFn: () => {
      const form = new FormData();
      // The server reads fields in order: the kind must come before the file.
      form.append('kind', kind);
      form.append('file', file as File);
      return api.post<ImportPreview>(base, form);
    },
    onSuccess: (p) => accept(p, 'map'),
  });
  const remap = useMutation({
    mutationFn: () => api.put<ImportPreview>(`${base}/${preview?.id}/mapping`, { mapping }),
    onSuccess: (p) => accept(p, 'check'),
  });
  const commit = useMutation({
    mutationFn: () => api.post<ImportPreview>(`${base}/${preview?.id}/commit`),
    onSuccess: (p) => {
      accept(p, 'done');
      void client.invalidateQueries({ queryKey: ['imports'] });
      void client.invalidateQueries({ queryKey: ['people'] });
    },
  });

  const restart = () => {
    setStep('upload');
    setPreview(null);
    setFile(null);
    upload.reset();
    remap.reset();
    commit.reset();
  };

  if (!school) return <Page title="Import people">Choose a school first.</Page>;
  if (!canManagePeople(session)) {
    return (
      <Page title="Import people">
        <Alert color="yellow">Only the headteacher, the school office and trust administrators can import people.</Alert>
      </Page>
    );
  }

  const submitUpload = (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setFileError('Choose the CSV file exported from your MIS.');
      return;
    }
    setFileError(null);
    upload.mutate();
  };

  const missingRequired = preview ? preview.fields.filter((f) => f.required && !mapping[f.key]) : [];
  const stepTitle =
    step === 'upload' ? 'Step 1: upload a CSV file' : step === 'map' ? 'Step 2: match the columns' : step === 'check' ? 'Step 3: check and import' : 'Import finished';

  return (
    <Page title="Import people" intro={`Bring pupils or staff into ${school.name} from a CSV export of your MIS.`}>
      <Steps step={step} />
      <Card withBorder padding="lg" component="section" aria-labelledby="step-heading">
        <Stack gap="md">
          <Title order={2} fz={20} id="step-heading" ref={headingRef} tabIndex={-1}>
            {stepTitle}
          </Title>

          {step === 'upload' && (
            <form onSubmit={submitUpload} noValidate>
              <Stack gap="md">
                <Radio.Group label="What is in the file?" value={kind} onChange={setKind} required>
                  <Group mt="xs">
                    <Radio value="pupils" label="Pupils" />
                    <Radio value="staff" label="Staff" />
                  </Group>
                </Radio.Group>
                <FileInput
                  label="CSV file"
                  description="Save the spreadsheet as CSV (comma separated). The first row must hold the column names."
                  placeholder="Choose file"
                  accept=".csv,text/csv"
                  value={file}
                  onChange={setFile}
                  error={fileError}
                  clearable
                  maw={480}
                />
                <ErrorAlert error={upload.error} title="The file could not be read" />
                <Group>
                  <Button type="submit" loading={upload.isPending}>
                    Upload and continue
                  </Button>
                </Group>
              </Stack>
            </form>
          )}

          {step === 'map' && preview && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                remap.mutate();
              }}
              noValidate
            >
              <Stack gap="md">
                <Text>
                  For each Haven field, choose the column of <strong>{preview.fileName}</strong> that holds it. We have guessed where we
                  could.
                </Text>
                <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
                  {preview.fields.map((f) => (
                    <Select
                      key={f.key}
                      label={f.label}
                      withAsterisk={f.required}
                      description={f.required ? 'Required' : 'Optional'}
                      placeholder="Not in this file"
                      data={preview.headers.map((h) => ({ value: h, label: h }))}
                      value={mapping[f.key] ?? null}
                      onChange={(v) => setMapping((m) => ({ ...m, [f.key]: v }))}
                      clearable
                      clearButtonProps={{ 'aria-label': `Clear ${f.label}` }}
                      error={f.required && !mapping[f.key] ? `Choose the column for ${f.label}.` : undefined}
                    />
                  ))}
                </SimpleGrid>
                <ErrorAlert error={remap.error} />
                <Group>
                  <Button type="submit" loading={remap.isPending} disabled={missingRequired.length > 0}>
                    Check the rows
                  </Button>
                  <Button variant="default" onClick={restart}>
                    Start again
                  </Button>
                </Group>
              </Stack>
            </form>
          )}

          {(step === 'check' || step === 'done') && preview && (
            <Stack gap="md">
              <Summary preview={preview} />
              {step === 'check' &&
                (preview.errors.length > 0 ? (
                  <Alert color="red" variant="light" title={`${preview.errors.length} ${preview.errors.length === 1 ? 'problem' : 'problems'} to fix`}>
                    Nothing has been imported. Fix the rows below in your spreadsheet and upload the file again.
                  </Alert>
                ) : (
                  <Alert color="teal" variant="light" title="Ready to import">
                    Every row can be imported. Check the numbers above, then import.
                  </Alert>
                ))}
              {step === 'done' && (
                <Alert color="teal" variant="light" title="Imported" role="status">
                  {preview.fileName} has been imported: {preview.summary.creates} added, {preview.summary.updates} updated
                  {preview.summary.leavers ? `, ${preview.summary.leavers} marked as leavers` : ''}.
                </Alert>
              )}
              {step === 'check' && preview.summary.leavers > 0 && (
                <Alert color="yellow" variant="light" title="Leavers">
                  {preview.summary.leavers} {preview.kind === 'staff' ? 'staff' : 'pupils'} at the school {preview.summary.leavers === 1 ? 'is' : 'are'} not in
                  this file. Importing marks them as leavers; their records are kept.
                </Alert>
              )}
              <ErrorsTable preview={preview} />
              {step === 'check' && <SampleTable preview={preview} />}
              <ErrorAlert error={commit.error} title="Not imported" />
              {step === 'check' ? (
                <Group>
                  <Button onClick={() => commit.mutate()} loading={commit.isPending} disabled={preview.errors.length > 0 || preview.status !== 'preview'}>
                    Import {preview.summary.valid} {preview.summary.valid === 1 ? 'row' : 'rows'}
                  </Button>
                  <Button variant="default" onClick={() => setStep('map')}>
                    Change columns
                  </Button>
                  <Button variant="default" onClick={restart}>
                    Upload a corrected file
                  </Button>
                </Group>
              ) : (
                <Group>
                  <Button variant="default" onClick={restart}>
                    Import another file
                  </Button>
                  <Anchor component={Link} to="/people">
                    Go to people
                  </Anchor>
                </Group>
              )}
            </Stack>
          )}
        </Stack>
      </Card>
      <PastImports schoolId={school.id} />
    </Page>
  );
}
