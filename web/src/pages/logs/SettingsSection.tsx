// How long this school keeps raw log lines and hourly counts, and its burst rule. Everyone who sees
// the logs sees the settings; the IT provider and leads change them.
import { Button, Group, NumberInput, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

type Settings = { rawDays: number; aggregateDays: number; burstCount: number; burstMinutes: number };

const FIELDS: { key: keyof Settings; label: string; description: string; min: number; max: number }[] = [
  { key: 'rawDays', label: 'Keep raw log lines (days)', description: 'For searching what happened; 7 to 730.', min: 7, max: 730 },
  { key: 'aggregateDays', label: 'Keep hourly counts (days)', description: 'For reviews and trends; 30 to 3650.', min: 30, max: 3650 },
  { key: 'burstCount', label: 'Burst: blocked requests', description: 'By one person, to raise an alert.', min: 2, max: 1000 },
  { key: 'burstMinutes', label: 'Burst: within minutes', description: 'The window the blocks fall in.', min: 1, max: 240 },
];

export function SettingsSection({ schoolId, canManage }: { schoolId: string; canManage: boolean }) {
  const client = useQueryClient();
  const settings = useQuery({ queryKey: ['logs', schoolId, 'settings'], queryFn: () => api.get<Settings>(`/schools/${schoolId}/log-settings`) });
  const [draft, setDraft] = useState<Settings | null>(null);
  useEffect(() => setDraft(settings.data ?? null), [settings.data]);
  const save = useMutation({
    mutationFn: (s: Settings) => api.put<Settings>(`/schools/${schoolId}/log-settings`, s),
    onSuccess: async () => client.invalidateQueries({ queryKey: ['logs', schoolId, 'settings'] }),
  });
  if (settings.error) return <ErrorAlert error={settings.error} />;
  if (!draft) return null;
  return (
    <Stack gap="sm" component="section" aria-labelledby="log-settings-heading">
      <Title order={2} fz={20} id="log-settings-heading">
        Keeping logs and the burst rule
      </Title>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          save.mutate(draft);
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {FIELDS.map((f) => (
              <NumberInput
                key={f.key}
                label={f.label}
                description={f.description}
                min={f.min}
                max={f.max}
                allowDecimal={false}
                readOnly={!canManage}
                value={draft[f.key]}
                onChange={(v) => setDraft({ ...draft, [f.key]: typeof v === 'number' ? v : Number(v) })}
              />
            ))}
          </SimpleGrid>
          {save.error && <ErrorAlert error={save.error} title="The settings were not saved" />}
          {canManage && (
            <Group>
              <Button type="submit" loading={save.isPending}>
                Save settings
              </Button>
              {save.isSuccess && (
                <Text role="status" fz="sm">
                  Saved.
                </Text>
              )}
            </Group>
          )}
        </Stack>
      </form>
    </Stack>
  );
}
