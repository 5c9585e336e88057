// The parts of a change request shared by "Request a change" and "Turn a report into a request":
// the sites or categories (several), and the user group it is for.
import { Button, Checkbox, CloseButton, Group, NativeSelect, Radio, Stack, TextInput } from '@mantine/core';
import { type Target, type UserGroup, YEAR_GROUPS } from './types.ts';

export type GroupDraft = { group: 'pupils' | 'staff' | 'class'; yearGroups: string[]; className: string };
export const emptyGroup = (): GroupDraft => ({ group: 'pupils', yearGroups: [], className: '' });

export function groupOf(d: GroupDraft): UserGroup {
  if (d.group === 'staff') return { group: 'staff' };
  if (d.group === 'class') return { group: 'class', className: d.className.trim() };
  return { group: 'pupils', yearGroups: d.yearGroups };
}

/** The message for the user group, or null when it is complete. */
export function groupProblem(d: GroupDraft): string | null {
  if (d.group === 'pupils' && d.yearGroups.length === 0) return 'Choose at least one year group.';
  if (d.group === 'class' && !d.className.trim()) return 'Name the class, for example 5K.';
  return null;
}

export function TargetsField({ value, onChange, error, idPrefix }: { value: Target[]; onChange: (v: Target[]) => void; error?: string | undefined; idPrefix: string }) {
  const set = (i: number, t: Partial<Target>) => onChange(value.map((x, n) => (n === i ? { ...x, ...t } : x)));
  return (
    <Stack gap="xs" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }} aria-describedby={error ? `${idPrefix}-error` : undefined}>
      <legend style={{ fontWeight: 600, fontSize: 14, marginBottom: 4 }}>Sites or categories</legend>
      {value.map((t, i) => (
        <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
          <NativeSelect
            label={`Type ${i + 1}`}
            data={[
              { value: 'site', label: 'Site' },
              { value: 'category', label: 'Category' },
            ]}
            value={t.type}
            onChange={(e) => set(i, { type: e.currentTarget.value as Target['type'] })}
            w={110}
          />
          <TextInput
            id={`${idPrefix}-${i}`}
            label={t.type === 'site' ? `Site address ${i + 1}` : `Category ${i + 1}`}
            placeholder={t.type === 'site' ? 'e.g. youtube.com' : 'e.g. Games'}
            value={t.value}
            onChange={(e) => set(i, { value: e.currentTarget.value })}
            style={{ flex: 1, minWidth: 0 }}
          />
          {value.length > 1 && <CloseButton aria-label={`Remove ${t.value || `item ${i + 1}`}`} onClick={() => onChange(value.filter((_, n) => n !== i))} mb={6} />}
        </Group>
      ))}
      {error && (
        <div id={`${idPrefix}-error`} role="alert" style={{ color: 'var(--mantine-color-red-9)', fontSize: 14 }}>
          {error}
        </div>
      )}
      <Group>
        <Button variant="light" size="xs" onClick={() => onChange([...value, { type: 'site', value: '' }])}>
          Add another site or category
        </Button>
      </Group>
    </Stack>
  );
}

export function GroupField({ value, onChange, error, idPrefix }: { value: GroupDraft; onChange: (v: GroupDraft) => void; error?: string | undefined; idPrefix: string }) {
  return (
    <Stack gap="xs">
      <Radio.Group label="Who is it for?" value={value.group} onChange={(g) => onChange({ ...value, group: g as GroupDraft['group'] })}>
        <Group gap="lg" mt={6}>
          <Radio value="pupils" label="Pupils by year group" />
          <Radio value="staff" label="Staff" />
          <Radio value="class" label="A named class" />
        </Group>
      </Radio.Group>
      {value.group === 'pupils' && (
        <Checkbox.Group label="Year groups" value={value.yearGroups} onChange={(yearGroups) => onChange({ ...value, yearGroups })} error={error} id={`${idPrefix}-years`}>
          <Group gap="sm" mt={6}>
            {YEAR_GROUPS.map((y) => (
              <Checkbox key={y} value={y} label={y === 'R' ? 'Reception' : `Year ${y}`} />
            ))}
          </Group>
        </Checkbox.Group>
      )}
      {value.group === 'class' && (
        <TextInput id={`${idPrefix}-class`} label="Class" placeholder="e.g. 5K" value={value.className} onChange={(e) => onChange({ ...value, className: e.currentTarget.value })} error={error} w={{ base: '100%', xs: 200 }} />
      )}
    </Stack>
  );
}

/** A local date-time input's value as an ISO instant, or null when empty. */
export const isoFromLocal = (v: string): string | null => (v ? new Date(v).toISOString() : null);
