// "Who must not appear?": pick what the photo is for and the class, and get the pupils without a
// current yes — big enough to read on a phone at a school event.
import { Anchor, Badge, Button, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, withQuery } from '../../api.ts';
import { type MustNotAppear, PHOTO_PURPOSES } from '../../components/agreements/types.ts';
import { useSchoolClasses } from '../../components/agreements/useSchoolClasses.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { currentSchool, useSignedIn } from '../../session.ts';

export function MustNotAppearPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  // In the address, so a teacher can bookmark "website, 4B" before the event.
  const [params, setParams] = useSearchParams();
  const purpose = params.get('purpose') ?? 'website_photo';
  const cls = params.get('class') ?? '';
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const classes = useSchoolClasses(school?.id);
  const q = useQuery({
    queryKey: ['must-not-appear', school?.id, purpose, cls],
    queryFn: () => api.get<MustNotAppear>(`/schools/${school?.id}/consents/must-not-appear`, { purpose, registrationGroup: cls }),
    enabled: Boolean(school),
  });
  const exportQuery = cls ? { registrationGroup: cls } : {};
  const base = `/api/v1/schools/${school?.id}/consents`;
  const purposeLabel = PHOTO_PURPOSES.find((p) => p.value === purpose)?.label ?? purpose;

  return (
    <Page title="Who must not appear?" intro="Pupils without a current yes from a parent. Leave them out of photos, videos and names for this use.">
      <Stack gap="sm" component="form" role="search" aria-label="Choose use and class" onSubmit={(e) => e.preventDefault()}>
        <NativeSelect label="For" size="lg" value={purpose} onChange={(e) => set('purpose', e.currentTarget.value)} data={PHOTO_PURPOSES} />
        <NativeSelect
          label="Class"
          size="lg"
          value={cls}
          onChange={(e) => set('class', e.currentTarget.value)}
          data={[{ value: '', label: 'Whole school' }, ...(classes.data?.classes ?? []).map((c) => ({ value: c, label: `Class ${c}` }))]}
        />
      </Stack>
      {q.isPending && school && <Loading />}
      {q.error && <ErrorAlert error={q.error} />}
      {q.data && (
        <Stack gap="sm" component="section" aria-labelledby="list-heading">
          <Title order={2} fz={{ base: 22, sm: 24 }} id="list-heading">
            {purposeLabel}
            {cls ? ` · ${cls}` : ''}
          </Title>
          <Text fz={20} fw={700} role="status" aria-live="polite" c={q.data.pupils.length ? 'red.9' : 'teal.9'}>
            {q.data.pupils.length === 0 ? 'Everyone may appear.' : `${q.data.pupils.length} ${q.data.pupils.length === 1 ? 'pupil' : 'pupils'} must not appear`}
          </Text>
          <Stack gap="xs" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
            {q.data.pupils.map((p) => {
              const answer = p.answer;
              const badge = (
                <Badge size="lg" color={answer === false ? 'red.9' : 'gray.8'} variant={answer === false ? 'filled' : 'outline'} style={{ flexShrink: 0 }}>
                  {answer === false ? 'Parent said no' : 'No answer'}
                </Badge>
              );
              return (
                <li key={p.id}>
                  <Group justify="space-between" gap="sm" p="sm" wrap="nowrap" style={{ border: '2px solid var(--mantine-color-red-3)', borderRadius: 8, background: 'var(--mantine-color-red-0)' }}>
                    {/* Big enough to recognise a child across a playground on a phone. */}
                    {p.photoUrl && (
                      <img
                        src={p.photoUrl}
                        alt={`Photo of ${p.name}`}
                        width={96}
                        height={96}
                        loading="lazy"
                        style={{ width: 96, height: 96, objectFit: 'cover', borderRadius: 8, flexShrink: 0, background: 'var(--mantine-color-gray-2)' }}
                      />
                    )}
                    <div style={{ minWidth: 0, flex: 1 }}>
                      <Text fz={22} fw={700} className="break-anywhere">
                        {p.name}
                      </Text>
                      {!cls && p.registrationGroup && <Text fz={16}>Class {p.registrationGroup}</Text>}
                      {/* Beside a photo there is no room for the badge on a phone: it goes under the name. */}
                      {p.photoUrl && <div style={{ marginTop: 6 }}>{badge}</div>}
                    </div>
                    {!p.photoUrl && badge}
                  </Group>
                </li>
              );
            })}
          </Stack>
        </Stack>
      )}
      {school && (
        <Group gap="md">
          <Button component="a" variant="outline" href={withQuery(`${base}/export.csv`, exportQuery)} download>
            Download all consents (CSV)
          </Button>
          <Button component="a" variant="outline" href={withQuery(`${base}/export.pdf`, exportQuery)} target="_blank" rel="noreferrer">
            Print all consents (PDF)
          </Button>
        </Group>
      )}
      <Anchor href="#main" onClick={(e) => (e.preventDefault(), window.scrollTo(0, 0))} fz="sm">
        Back to top
      </Anchor>
    </Page>
  );
}
