// A new campaign: "everyone in these groups must accept this version by this date".
import { Alert, Anchor, Button, Checkbox, MultiSelect, Select, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { type AgreementSummary, audienceLabel, type CampaignGroup, PUPIL_AUDIENCES } from '../../components/agreements/types.ts';
import { useSchoolClasses } from '../../components/agreements/useSchoolClasses.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { yearLabel } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

export function NewCampaignPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const navigate = useNavigate();
  const agreements = useQuery({
    queryKey: ['agreements', school?.id],
    queryFn: () => api.get<{ agreements: AgreementSummary[] }>(`/schools/${school?.id}/agreements`),
    enabled: Boolean(school),
  });
  const groupsData = useSchoolClasses(school?.id);
  const [agreementId, setAgreementId] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [dueOn, setDueOn] = useState('');
  const [years, setYears] = useState<string[]>([]);
  const [classes, setClasses] = useState<string[]>([]);
  const [allParents, setAllParents] = useState(true);

  const published = agreements.data?.agreements.filter((a) => a.currentVersion) ?? [];
  const chosen = published.find((a) => a.id === agreementId);
  const audience = chosen?.audience;
  const groups = (): CampaignGroup[] => {
    if (!audience) return [];
    if (audience === 'staff' || audience === 'mobile_device') return [{ kind: 'staff' }];
    if (audience === 'community') return [{ kind: 'community' }];
    if (audience === 'parent') return allParents || years.length === 0 ? [{ kind: 'parents' }] : years.map((y) => ({ kind: 'parents', yearGroup: y }));
    return [...years.map((y) => ({ kind: 'year' as const, yearGroup: y })), ...classes.map((c) => ({ kind: 'class' as const, registrationGroup: c }))];
  };
  const create = useMutation({
    mutationFn: () =>
      api.post<{ id: string }>(`/schools/${school?.id}/campaigns`, { versionId: chosen?.currentVersion?.id, title: title.trim(), dueOn, groups: groups() }),
    onSuccess: (r) => navigate(`/agreements/campaigns/${r.id}`),
  });
  const err = create.error instanceof ApiError ? create.error : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const yearOptions = (groupsData.data?.years ?? []).map((y) => ({ value: y, label: yearLabel(y) }));
  const isPupil = audience !== undefined && PUPIL_AUDIENCES.includes(audience);

  return (
    <Page title="New campaign" intro="Ask a group of people to accept the published version of an agreement by a date.">
      <Anchor component={Link} to="/agreements">
        Back to agreements
      </Anchor>
      {agreements.isPending && <Loading />}
      {agreements.error && <ErrorAlert error={agreements.error} />}
      {agreements.data && published.length === 0 && <Alert color="yellow">Publish an agreement first.</Alert>}
      {agreements.data && published.length > 0 && (
        <Stack gap="md" component="form" onSubmit={submit} maw={560}>
          <Select
            label="Agreement"
            placeholder="Choose an agreement"
            data={published.map((a) => ({ value: a.id, label: `${a.title} (version ${a.currentVersion?.number})` }))}
            value={agreementId}
            onChange={(v) => {
              setAgreementId(v);
              const a = published.find((x) => x.id === v);
              if (a && !title) setTitle(`${a.title} ${new Date().getFullYear()}`);
            }}
            required
            error={err?.fieldError('versionId')}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput label="Campaign title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} required error={err?.fieldError('title')} />
          <TextInput label="Accept by" type="date" value={dueOn} onChange={(e) => setDueOn(e.currentTarget.value)} required error={err?.fieldError('dueOn')} />
          {audience && <Text fw={600}>Who must accept: {audienceLabel(audience).toLowerCase()}</Text>}
          {audience === 'parent' && (
            <>
              <Checkbox label="Parents of every pupil" checked={allParents} onChange={(e) => setAllParents(e.currentTarget.checked)} />
              {!allParents && <MultiSelect label="Parents of pupils in year groups" data={yearOptions} value={years} onChange={setYears} comboboxProps={{ withinPortal: true }} />}
            </>
          )}
          {isPupil && (
            <>
              <MultiSelect label="Year groups" data={yearOptions} value={years} onChange={setYears} comboboxProps={{ withinPortal: true }} />
              <MultiSelect label="Classes" data={groupsData.data?.classes ?? []} value={classes} onChange={setClasses} comboboxProps={{ withinPortal: true }} />
              <Text fz="sm">Choose year groups, classes or both.</Text>
            </>
          )}
          {err?.fieldError('groups') && (
            <Text c="red.8" fz="sm" role="alert">
              {err.fieldError('groups')}
            </Text>
          )}
          {create.error && <ErrorAlert error={create.error} title="The campaign was not created" />}
          <Button type="submit" loading={create.isPending} disabled={!chosen || !title.trim() || !dueOn || groups().length === 0}>
            Start campaign
          </Button>
        </Stack>
      )}
    </Page>
  );
}
