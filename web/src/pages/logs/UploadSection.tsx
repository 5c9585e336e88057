// "Upload a log": pick how to read it (a saved source or a format), choose the file, watch it go up,
// then read what the ingest found: lines, events, malformed lines by reason with samples, alerts.
import { Alert, Anchor, Button, Card, Code, FileInput, Group, List, NativeSelect, Progress, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSignedIn } from '../../session.ts';
import { bytesLabel, type Format, type IngestSummary, type Source } from './types.ts';
import { uploadWithProgress } from './upload.ts';

const n = (v: number) => v.toLocaleString('en-GB');

export function SummaryCard({ s }: { s: IngestSummary }) {
  return (
    <Card withBorder padding="md" aria-labelledby="upload-result">
      <Stack gap="xs">
        <Title order={3} fz={18} id="upload-result">
          {s.name} read
        </Title>
        <List spacing={4} aria-label="What the log held">
          <List.Item>{n(s.lines)} lines ({bytesLabel(s.bytes)})</List.Item>
          <List.Item>{n(s.events)} events</List.Item>
          {s.skipped > 0 && <List.Item>{n(s.skipped)} lines skipped (headers and replies)</List.Item>}
          <List.Item>
            {n(s.malformed.total)} malformed {s.malformed.total === 1 ? 'line' : 'lines'}
            {s.malformed.total > 0 && ` (${Object.entries(s.malformed.byReason).map(([r, c]) => `${r}: ${n(c)}`).join(', ')})`}
          </List.Item>
          <List.Item>
            {s.alerts.created} {s.alerts.created === 1 ? 'alert' : 'alerts'} raised
            {s.alerts.folded > 0 && `, ${s.alerts.folded} added to open alerts`}
            {(s.alerts.created > 0 || s.alerts.folded > 0) && (
              <>
                {' '}
                — <Anchor component={Link} to="/alerts">see the alerts</Anchor>
              </>
            )}
          </List.Item>
        </List>
        {s.malformed.samples.length > 0 && (
          <Stack gap={4}>
            <Text fw={600} fz="sm">
              Samples of malformed lines
            </Text>
            {s.malformed.samples.map((m, i) => (
              <Text key={i} fz="sm" className="break-anywhere">
                {m.reason}: <Code>{m.line}</Code>
              </Text>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

export function UploadSection({ schoolId, sources, formats }: { schoolId: string; sources: Source[]; formats: Format[] }) {
  const session = useSignedIn();
  const client = useQueryClient();
  const [how, setHow] = useState(sources[0] ? `source:${sources[0].id}` : 'format:squid');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<IngestSummary | null>(null);

  const options = [
    ...sources.map((s) => ({ value: `source:${s.id}`, label: `Source: ${s.name}` })),
    ...formats.filter((f) => f.id !== 'generic').map((f) => ({ value: `format:${f.id}`, label: f.label })),
  ];

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setError(new Error('Choose the log file to upload.'));
      return;
    }
    setError(null);
    setResult(null);
    setProgress(0);
    const form = new FormData();
    const [kind, value] = how.split(':') as [string, string];
    form.append(kind === 'source' ? 'sourceId' : 'format', value);
    form.append('file', file, file.name);
    try {
      setResult(await uploadWithProgress<IngestSummary>(`/schools/${schoolId}/log-uploads`, form, session.csrfToken, setProgress));
      await client.invalidateQueries({ queryKey: ['logs'] });
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  }

  return (
    <Stack gap="sm" component="section" aria-labelledby="upload-heading">
      <Title order={2} fz={20} id="upload-heading">
        Upload a log
      </Title>
      <Text fz="sm" c="dimmed">
        A log file from the filter or DNS service, plain or gzip-compressed (.gz). Large files are read as they arrive.
      </Text>
      <Stack component="form" gap="sm" onSubmit={submit} aria-label="Upload a log">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <NativeSelect label="How to read it" data={options} value={how} onChange={(e) => setHow(e.currentTarget.value)} w={{ base: '100%', sm: 320 }} />
          <FileInput label="Log file" placeholder="Choose a file" value={file} onChange={setFile} clearable clearButtonProps={{ 'aria-label': 'Remove the chosen file' }} w={{ base: '100%', sm: 300 }} />
          <Button type="submit" loading={progress !== null}>
            Upload and read
          </Button>
        </Group>
        {progress !== null && (
          <Stack gap={4}>
            <Progress value={Math.round(progress * 100)} aria-label="Upload progress" />
            <Text fz="sm" role="status">
              {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Reading the log…'}
            </Text>
          </Stack>
        )}
      </Stack>
      {error !== null && <ErrorAlert error={error} title="The log was not read" />}
      {result && (
        <div role="status" aria-live="polite">
          {result.events === 0 && result.lines > 0 && (
            <Alert color="yellow" title="No events" mb="sm">
              None of the lines could be read as this format. Check the format, or the mapping of the source.
            </Alert>
          )}
          <SummaryCard s={result} />
        </div>
      )}
    </Stack>
  );
}
