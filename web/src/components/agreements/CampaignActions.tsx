// Less common campaign actions: upload a signed paper form for someone outstanding, and record a
// withdrawal (a new record with its reason; the acceptance itself is kept).
import { Button, Card, FileInput, Group, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../../api.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import type { CampaignDetail } from './types.ts';

export function PaperFormPanel({ campaign }: { campaign: CampaignDetail }) {
  const client = useQueryClient();
  const [personId, setPersonId] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: () => {
      const form = new FormData();
      form.append('personId', personId ?? '');
      if (file) form.append('file', file);
      return api.post<{ acceptanceId: string }>(`/campaigns/${campaign.id}/paper`, form);
    },
    onSuccess: async () => {
      setPersonId(null);
      setFile(null);
      await client.invalidateQueries({ queryKey: ['campaign', campaign.id] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    upload.mutate();
  };
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="paper-heading">
      <Stack gap="sm" component="form" onSubmit={submit}>
        <Title order={2} fz={20} id="paper-heading">
          Signed paper form
        </Title>
        <Text fz="sm">Upload the scan of a signed form (PDF, JPEG or PNG). The scan is kept as evidence with the acceptance.</Text>
        <Group align="flex-end" gap="sm" wrap="wrap">
          <Select
            label="Signed for"
            searchable
            data={campaign.outstanding.map((m) => ({ value: m.personId, label: m.registrationGroup ? `${m.name} (${m.registrationGroup})` : m.name }))}
            value={personId}
            onChange={setPersonId}
            w={{ base: '100%', sm: 280 }}
            comboboxProps={{ withinPortal: true }}
          />
          <FileInput label="Scan" accept="application/pdf,image/jpeg,image/png" value={file} onChange={setFile} w={{ base: '100%', sm: 260 }} clearable />
          <Button type="submit" disabled={!personId || !file} loading={upload.isPending}>
            Upload
          </Button>
        </Group>
        {upload.error && <ErrorAlert error={upload.error} title="The form was not saved" />}
        {upload.isSuccess && (
          <Text role="status" c="teal.9" fw={600}>
            Paper form saved as an acceptance.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

/** A small inline form on an accepted row: reason, then confirm. */
export function WithdrawButton({ campaignId, acceptanceId, name }: { campaignId: string; acceptanceId: string; name: string }) {
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const withdraw = useMutation({
    mutationFn: () => api.post<void>(`/acceptances/${acceptanceId}/withdraw`, { reason: reason.trim() }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['campaign', campaignId] }),
  });
  if (!open) {
    return (
      <Button size="xs" variant="subtle" onClick={() => setOpen(true)} aria-label={`Record a withdrawal for ${name}`}>
        Withdraw
      </Button>
    );
  }
  return (
    <Stack
      gap={4}
      component="form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        withdraw.mutate();
      }}
    >
      <TextInput size="xs" label={`Why is ${name} withdrawing?`} value={reason} onChange={(e) => setReason(e.currentTarget.value)} autoFocus />
      {withdraw.error && <ErrorAlert error={withdraw.error} title="Not withdrawn" />}
      <Group gap={4}>
        <Button size="xs" type="submit" color="red.9" disabled={!reason.trim()} loading={withdraw.isPending}>
          Record withdrawal
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}
