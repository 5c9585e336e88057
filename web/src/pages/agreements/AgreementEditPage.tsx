// One agreement: edit the draft, publish it as a new version, and read every earlier version
// exactly as people accepted it.
import { Accordion, Alert, Anchor, Badge, Button, Group, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { AgreementText } from '../../components/agreements/AgreementText.tsx';
import { type AgreementSummary, type AgreementVersion, audienceLabel, canManageAgreements } from '../../components/agreements/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

export function AgreementEditPage() {
  const { agreementId = '' } = useParams();
  const session = useSignedIn();
  const school = currentSchool(session);
  const manage = canManageAgreements(session);
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['agreements', school?.id],
    queryFn: () => api.get<{ agreements: AgreementSummary[] }>(`/schools/${school?.id}/agreements`),
    enabled: Boolean(school),
  });
  const versions = useQuery({
    queryKey: ['agreement-versions', agreementId],
    queryFn: () => api.get<{ versions: AgreementVersion[] }>(`/agreements/${agreementId}/versions`),
  });
  const agreement = list.data?.agreements.find((a) => a.id === agreementId);
  const latest = versions.data?.versions.reduce<AgreementVersion | null>((m, v) => (!m || v.number > m.number ? v : m), null) ?? null;

  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  // Start the editor from the draft, else from the published text, once both have loaded.
  useEffect(() => {
    if (!agreement || !versions.data || loadedFor === agreement.id) return;
    setTitle(agreement.draft?.title ?? latest?.title ?? agreement.title);
    setText(agreement.draft?.text ?? latest?.text ?? '');
    setLoadedFor(agreement.id);
  }, [agreement, versions.data, latest, loadedFor]);

  const refresh = () =>
    Promise.all([client.invalidateQueries({ queryKey: ['agreements'] }), client.invalidateQueries({ queryKey: ['agreement-versions', agreementId] })]);
  const save = useMutation({ mutationFn: () => api.put<void>(`/agreements/${agreementId}/draft`, { title: title.trim(), text }), onSuccess: refresh });
  const publish = useMutation({
    mutationFn: async () => {
      await api.put<void>(`/agreements/${agreementId}/draft`, { title: title.trim(), text });
      return api.post<{ versionId: string; number: number }>(`/agreements/${agreementId}/publish`);
    },
    onSuccess: refresh,
  });

  if (list.isPending || versions.isPending) return <Loading />;
  if (list.error || versions.error) return <ErrorAlert error={list.error ?? versions.error} />;
  if (!agreement) {
    return (
      <Page title="Agreement not found">
        <Alert color="yellow">This agreement is not at your school, or the link is wrong.</Alert>
        <Anchor component={Link} to="/agreements">
          Back to agreements
        </Anchor>
      </Page>
    );
  }
  const changed = !latest || title.trim() !== latest.title || text !== latest.text;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Page title={agreement.title} intro={`For ${audienceLabel(agreement.audience).toLowerCase()}.`}>
      <Anchor component={Link} to="/agreements">
        Back to agreements
      </Anchor>
      {manage ? (
        <Stack gap="sm" component="form" onSubmit={submit} aria-labelledby="draft-heading">
          <Group gap="sm">
            <Title order={2} fz={20} id="draft-heading">
              Draft
            </Title>
            {agreement.draft && (
              <Badge color="orange" variant="light">
                Not published
              </Badge>
            )}
          </Group>
          <Text fz="sm">
            Blank lines start a new paragraph; lines starting with “- ” become a list. Publishing makes a new version: people who
            accepted an earlier version keep the text they accepted.
          </Text>
          <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
          <Textarea label="Text" value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={10} maxRows={30} required />
          {save.error && <ErrorAlert error={save.error} title="The draft was not saved" />}
          {publish.error && <ErrorAlert error={publish.error} title="Not published" />}
          {save.isSuccess && !publish.isSuccess && (
            <Text role="status" c="teal.9" fw={600}>
              Draft saved.
            </Text>
          )}
          {publish.data && (
            <Text role="status" c="teal.9" fw={600}>
              Published as version {publish.data.number}.
            </Text>
          )}
          <Group gap="sm">
            <Button type="submit" variant="outline" loading={save.isPending} disabled={!title.trim() || !text.trim()}>
              Save draft
            </Button>
            <Button onClick={() => publish.mutate()} loading={publish.isPending} disabled={!title.trim() || !text.trim() || !changed}>
              Publish as version {(latest?.number ?? 0) + 1}
            </Button>
          </Group>
        </Stack>
      ) : (
        latest && <AgreementText text={latest.text} />
      )}

      <Stack gap="sm" component="section" aria-labelledby="versions-heading">
        <Title order={2} fz={20} id="versions-heading">
          Published versions
        </Title>
        {versions.data.versions.length === 0 && <Text>Nothing published yet.</Text>}
        <Accordion variant="separated" multiple>
          {[...versions.data.versions]
            .sort((a, b) => b.number - a.number)
            .map((v) => (
              <Accordion.Item key={v.id} value={v.id}>
                <Accordion.Control>
                  <Text fw={600} component="span">
                    Version {v.number} · {v.title}
                  </Text>{' '}
                  <Text fz="sm" component="span">
                    — published {formatDateTime(v.publishedAt)}
                    {v.publishedBy ? ` by ${v.publishedBy}` : ''}
                  </Text>
                </Accordion.Control>
                <Accordion.Panel>
                  <AgreementText text={v.text} />
                </Accordion.Panel>
              </Accordion.Item>
            ))}
        </Accordion>
      </Stack>
    </Page>
  );
}
