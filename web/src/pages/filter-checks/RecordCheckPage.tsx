// "Record a filter check": one form, quick on a phone. Each category is answered with one tap
// (not tested / blocked / not blocked); a category that was not blocked asks for the address tested,
// and saving it raises a task for the IT provider. A saved check is never edited: a correction is
// a new check that names the one it corrects.
import { Alert, Button, Card, Fieldset, Group, Radio, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { currentSchool, useSignedIn } from '../../session.ts';
import { type Category, canRecordChecks, METHOD_OPTIONS } from './types.ts';

type Answer = { outcome: '' | 'blocked' | 'not_blocked'; url: string; note: string };
type Created = { id: string; tasks: { id: string; category: string }[]; mailed: string[] };

const todayLocal = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export function RecordCheckPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const client = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const correctsId = params.get('corrects');
  const [checkedOn, setCheckedOn] = useState(todayLocal());
  const [device, setDevice] = useState('');
  const [group, setGroup] = useState<'pupils' | 'staff'>('pupils');
  const [years, setYears] = useState('');
  const [method, setMethod] = useState('online_service');
  const [serviceName, setServiceName] = useState('');
  const [answers, setAnswers] = useState<Record<string, Answer>>({});
  const [followUp, setFollowUp] = useState('');
  const [newCategory, setNewCategory] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<Created | null>(null);
  const summary = useRef<HTMLDivElement>(null);
  const done = useRef<HTMLHeadingElement>(null);

  const categories = useQuery({
    queryKey: ['filter-check-categories', school?.id],
    queryFn: () => api.get<{ categories: Category[] }>(`/schools/${school?.id}/filter-check-categories`),
    enabled: Boolean(school),
  });
  const addCategory = useMutation({
    mutationFn: (name: string) => api.post<Category>(`/schools/${school?.id}/filter-check-categories`, { name }),
    onSuccess: () => {
      setNewCategory('');
      void client.invalidateQueries({ queryKey: ['filter-check-categories', school?.id] });
    },
  });
  const save = useMutation({
    mutationFn: (body: unknown) => api.post<Created>(`/schools/${school?.id}/filter-checks`, body),
    onSuccess: (c) => {
      setCreated(c);
      void client.invalidateQueries({ queryKey: ['filter-checks', school?.id] });
      void client.invalidateQueries({ queryKey: ['filter-check-tasks', school?.id] });
    },
  });
  useEffect(() => {
    if (created) done.current?.focus();
  }, [created]);

  if (!school) return <Page title="Record a filter check"><Alert color="yellow">Choose a school first.</Alert></Page>;
  if (!canRecordChecks(session)) return <Page title="Record a filter check"><Alert color="yellow">Filter checks are recorded by the headteacher, safeguarding and online safety leads and the IT provider.</Alert></Page>;

  // A fixed field loses its message at once; the rest are checked again on the next save.
  const clear = (key: string) => setErrors(({ [key]: _, ...rest }) => rest);
  const answer = (name: string): Answer => answers[name] ?? { outcome: '', url: '', note: '' };
  const setAnswer = (name: string, patch: Partial<Answer>) => setAnswers((a) => ({ ...a, [name]: { ...answer(name), ...patch } }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!checkedOn) errs.checkedOn = 'Enter the date of the check.';
    else if (checkedOn > todayLocal()) errs.checkedOn = 'The date cannot be in the future.';
    if (!device.trim()) errs.device = 'Say which device the check ran on, for example “Year 6 laptop 4”.';
    const yearGroups = years.split(/[,\s]+/).map((y) => y.trim()).filter(Boolean);
    if (group === 'pupils' && yearGroups.length === 0) errs.years = 'Name at least one year group, for example 5, 6.';
    const results = Object.entries(answers)
      .filter(([, a]) => a.outcome)
      .map(([category, a]) => ({ category, outcome: a.outcome, url: a.url.trim() || undefined, note: a.note.trim() || undefined }));
    if (results.length === 0) errs.results = 'Answer at least one category: blocked as expected or not blocked.';
    for (const r of results) if (r.outcome === 'not_blocked' && !r.url) errs[`url:${r.category}`] = `Give the address that was not blocked, so the IT provider can fix it.`;
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    save.mutate({
      checkedOn,
      device: device.trim(),
      userGroup: group === 'pupils' ? { group, yearGroups } : { group },
      method,
      serviceName: method === 'online_service' ? serviceName.trim() || undefined : undefined,
      results,
      followUp: followUp.trim() || undefined,
      correctsId: correctsId ?? undefined,
    });
  };

  if (created) {
    return (
      <Page title="Record a filter check">
        <Card withBorder padding="lg" component="section" aria-labelledby="saved-heading" style={{ borderColor: 'var(--mantine-color-teal-8)', borderWidth: 3 }}>
          <Stack gap="sm">
            <Title order={2} fz={22} id="saved-heading" ref={done} tabIndex={-1}>
              Check saved
            </Title>
            {created.tasks.length === 0 ? (
              <Text>Every category tested was blocked as expected.</Text>
            ) : (
              <Text>
                {created.tasks.length === 1 ? 'One category was' : `${created.tasks.length} categories were`} not blocked ({created.tasks.map((t) => t.category).join(', ')}). A task is open for the IT provider
                {created.mailed.length > 0 ? ', who has been emailed' : ''}.
              </Text>
            )}
            <Group>
              <Button component={Link} to={`/filter-checks/${created.id}`}>
                View the check
              </Button>
              <Button variant="outline" onClick={() => navigate('/filter-checks')}>
                All checks
              </Button>
            </Group>
          </Stack>
        </Card>
      </Page>
    );
  }

  const errorList = Object.entries(errors);
  return (
    <Page title="Record a filter check" intro={`Record a test of the filter at ${school.name}. Answer only the categories you tested.`}>
      {correctsId && <Alert color="blue">This check corrects an earlier one. The earlier record is kept as it was.</Alert>}
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {errorList.length > 0 && (
            <Alert color="red" title="Check these before saving" ref={summary} tabIndex={-1} role="alert">
              <ul style={{ margin: 0, paddingLeft: '1.2rem' }}>
                {errorList.map(([k, m]) => (
                  <li key={k}>{k.startsWith('url:') ? `${k.slice(4)}: ${m}` : m}</li>
                ))}
              </ul>
            </Alert>
          )}
          <TextInput type="date" label="Date of the check" required value={checkedOn} onChange={(e) => setCheckedOn(e.currentTarget.value)} error={errors.checkedOn} max={todayLocal()} />
          <TextInput label="Device" description="For example “Year 6 laptop 4” or “staff room PC”." required value={device} onChange={(e) => {
              setDevice(e.currentTarget.value);
              clear('device');
            }} error={errors.device} />
          <Radio.Group label="Signed in as" value={group} onChange={(v) => setGroup(v as 'pupils' | 'staff')} required>
            <Group gap="lg" mt={6}>
              <Radio value="pupils" label="Pupils" />
              <Radio value="staff" label="Staff" />
            </Group>
          </Radio.Group>
          {group === 'pupils' && <TextInput label="Year groups" description="Separate with commas, for example 5, 6." required value={years} onChange={(e) => {
                setYears(e.currentTarget.value);
                clear('years');
              }} error={errors.years} />}
          <Radio.Group label="How it was tested" value={method} onChange={setMethod} required>
            <Stack gap={6} mt={6}>
              {METHOD_OPTIONS.map((m) => (
                <Radio key={m.value} value={m.value} label={m.label} />
              ))}
            </Stack>
          </Radio.Group>
          {method === 'online_service' && <TextInput label="Name of the test service (optional)" value={serviceName} onChange={(e) => setServiceName(e.currentTarget.value)} />}

          <Stack gap="xs" component="section" aria-labelledby="results-heading">
            <Title order={2} fz={20} id="results-heading">
              Results by category
            </Title>
            {errors.results && (
              <Text c="red.8" fz="sm">
                {errors.results}
              </Text>
            )}
            {categories.isPending && <Loading />}
            {categories.error && <ErrorAlert error={categories.error} />}
            {categories.data?.categories.map((c) => {
              const a = answer(c.name);
              const id = slug(c.name);
              return (
                <Fieldset key={c.name} legend={c.name} p="sm" style={a.outcome === 'not_blocked' ? { borderColor: 'var(--mantine-color-red-8)', borderWidth: 2 } : undefined}>
                  <Radio.Group value={a.outcome || 'none'} onChange={(v) => {
                      setAnswer(c.name, { outcome: v === 'none' ? '' : (v as Answer['outcome']) });
                      clear('results');
                    }} aria-label={`Result for ${c.name}`}>
                    <Group gap="md">
                      <Radio value="none" label="Not tested" id={`${id}-none`} />
                      <Radio value="blocked" label="Blocked as expected" id={`${id}-blocked`} />
                      <Radio value="not_blocked" label="Not blocked" id={`${id}-not-blocked`} />
                    </Group>
                  </Radio.Group>
                  {a.outcome && (
                    <Stack gap={6} mt="xs">
                      <TextInput
                        label={`Address tested for ${c.name}`}
                        required={a.outcome === 'not_blocked'}
                        value={a.url}
                        onChange={(e) => {
                          setAnswer(c.name, { url: e.currentTarget.value });
                          clear(`url:${c.name}`);
                        }}
                        error={errors[`url:${c.name}`]}
                        inputMode="url"
                      />
                      <TextInput label={`Note for ${c.name} (optional)`} value={a.note} onChange={(e) => setAnswer(c.name, { note: e.currentTarget.value })} />
                    </Stack>
                  )}
                </Fieldset>
              );
            })}
            <Group align="flex-end" gap="xs">
              <TextInput label="Add a category to the school's list" value={newCategory} onChange={(e) => setNewCategory(e.currentTarget.value)} style={{ flex: 1, minWidth: 200 }} />
              <Button variant="outline" disabled={!newCategory.trim()} loading={addCategory.isPending} onClick={() => addCategory.mutate(newCategory.trim())}>
                Add category
              </Button>
            </Group>
            {addCategory.error && <ErrorAlert error={addCategory.error} title="The category was not added" />}
          </Stack>

          <Textarea label="Follow-up actions (optional)" autosize minRows={2} value={followUp} onChange={(e) => setFollowUp(e.currentTarget.value)} />
          {save.error && <ErrorAlert error={save.error} title="The check was not saved" />}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save the check
            </Button>
            <Button component={Link} to="/filter-checks" variant="subtle">
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Page>
  );
}
