// Teacher tools for a pupils' campaign: open a class kiosk (link + QR code for the classroom
// device), or record that the whole class accepted after the lesson where it was discussed.
import { Anchor, Button, Card, Group, Image, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useClipboard } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import QRCode from 'qrcode';
import { useState } from 'react';
import { api } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ErrorAlert } from '../ErrorAlert.tsx';
import type { KioskOpened } from './types.ts';

export function KioskPanel({ schoolId, campaignId, classes }: { schoolId: string; campaignId: string; classes: string[] }) {
  const [cls, setCls] = useState<string | null>(classes.length === 1 ? (classes[0] ?? null) : null);
  const clipboard = useClipboard({ timeout: 2500 });
  const [opened, setOpened] = useState<(KioskOpened & { url: string; qr: string | null; className: string }) | null>(null);
  const open = useMutation({
    mutationFn: async () => {
      const k = await api.post<KioskOpened>(`/schools/${schoolId}/kiosks`, { campaignId, registrationGroup: cls });
      const url = `${window.location.origin}/kiosk/${k.kioskToken}`;
      const qr = await QRCode.toDataURL(url, { margin: 1, width: 240 }).catch(() => null);
      return { ...k, url, qr, className: cls ?? '' };
    },
    onSuccess: setOpened,
  });
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="kiosk-heading">
      <Stack gap="sm">
        <Title order={2} fz={20} id="kiosk-heading">
          Class kiosk
        </Title>
        <Text fz="sm">Open a page on a classroom device where each pupil taps their name, reads the agreement and accepts. It closes by itself after two hours.</Text>
        <Group align="flex-end" gap="sm">
          <Select label="Kiosk for class" allowDeselect={false} data={classes} value={cls} onChange={setCls} w={{ base: '100%', xs: 200 }} comboboxProps={{ withinPortal: true }} />
          <Button onClick={() => open.mutate()} disabled={!cls} loading={open.isPending}>
            Open kiosk
          </Button>
        </Group>
        {open.error && <ErrorAlert error={open.error} title="The kiosk was not opened" />}
        {opened && (
          <Stack gap="xs">
            <Text fw={600} role="status">
              Kiosk for {opened.className} is open until {formatDateTime(opened.expiresAt)}.
            </Text>
            <Text ff="monospace" fz="md" p="xs" bg="gray.0" className="break-anywhere" aria-label="Kiosk address" style={{ borderRadius: 6 }}>
              {opened.url}
            </Text>
            <Group>
              <Button size="xs" variant="default" onClick={() => clipboard.copy(opened.url)}>
                {clipboard.copied ? 'Copied' : 'Copy kiosk address'}
              </Button>
            </Group>
            <Anchor href={opened.url} target="_blank" rel="noreferrer">
              Open the kiosk in a new tab
            </Anchor>
            {opened.qr && <Image src={opened.qr} alt={`QR code for the ${opened.className} kiosk`} w={200} h={200} />}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

export function RecordClassPanel({ campaignId, classes }: { campaignId: string; classes: string[] }) {
  const client = useQueryClient();
  const [cls, setCls] = useState<string | null>(classes.length === 1 ? (classes[0] ?? null) : null);
  const [discussedOn, setDiscussedOn] = useState('');
  const record = useMutation({
    mutationFn: () => api.post<{ recorded: number }>(`/campaigns/${campaignId}/record-class`, { registrationGroup: cls, discussedOn }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['campaign', campaignId] }),
  });
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="record-heading">
      <Stack gap="sm">
        <Title order={2} fz={20} id="record-heading">
          Record for a whole class
        </Title>
        <Text fz="sm">After the lesson where you read and discussed the agreement together, record acceptance for every pupil in the class who has not accepted yet.</Text>
        <Group align="flex-end" gap="sm">
          <Select label="Class that discussed it" allowDeselect={false} data={classes} value={cls} onChange={setCls} w={{ base: '100%', xs: 200 }} comboboxProps={{ withinPortal: true }} />
          <TextInput label="Discussed on" type="date" value={discussedOn} onChange={(e) => setDiscussedOn(e.currentTarget.value)} w={{ base: '100%', xs: 200 }} />
          <Button onClick={() => record.mutate()} disabled={!cls || !discussedOn} loading={record.isPending}>
            Record for the class
          </Button>
        </Group>
        {record.error && <ErrorAlert error={record.error} title="Nothing was recorded" />}
        {record.data && (
          <Text role="status" c="teal.9" fw={600}>
            Recorded for {record.data.recorded} {record.data.recorded === 1 ? 'pupil' : 'pupils'}.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
