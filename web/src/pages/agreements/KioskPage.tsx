// PUBLIC: the class kiosk the teacher opens on a classroom device. Big buttons: a pupil finds their
// name, reads the agreement in simple words, says "I agree", and the list comes back for the next one.
import { Alert, Button, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { AgreementText } from '../../components/agreements/AgreementText.tsx';
import { publicApi } from '../../components/agreements/publicApi.ts';
import type { Kiosk } from '../../components/agreements/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { LinkProblem } from './ParentLinkPage.tsx';

export function KioskPage() {
  const { token = '' } = useParams();
  const client = useQueryClient();
  const key = ['public-kiosk', token];
  const kiosk = useQuery({ queryKey: key, queryFn: () => publicApi.get<Kiosk>(`/kiosk/${encodeURIComponent(token)}`), retry: false });
  const [pupilId, setPupilId] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const accept = useMutation({
    mutationFn: (id: string) => publicApi.post<void>(`/kiosk/${encodeURIComponent(token)}/accept`, { pupilId: id }),
    onSuccess: async (_r, id) => {
      const p = kiosk.data?.pupils.find((x) => x.id === id);
      setDone(p ? p.firstName : 'You');
      setPupilId(null);
      await client.invalidateQueries({ queryKey: key });
    },
  });
  useEffect(() => {
    document.title = kiosk.data ? `${kiosk.data.className} agreement – Haven` : 'Class agreement – Haven';
  }, [kiosk.data]);
  // Each screen change moves focus to its heading, so the next pupil starts at the top.
  useEffect(() => {
    heading.current?.focus();
  }, [pupilId, done]);

  const data = kiosk.data;
  const pupil = data?.pupils.find((p) => p.id === pupilId);
  return (
    <PublicLayout wide>
      <Stack gap="lg">
        {kiosk.isPending && <Text role="status">Loading…</Text>}
        {kiosk.error && (
          <>
            <Title order={1} fz={28}>
              Class agreement
            </Title>
            <LinkProblem error={kiosk.error} what="kiosk link" />
          </>
        )}
        {data && pupil && (
          <Stack gap="lg">
            <Title order={1} fz={{ base: 28, sm: 34 }} ref={heading} tabIndex={-1}>
              {pupil.firstName}, please read this
            </Title>
            <Title order={2} fz={24}>
              {data.version.title}
            </Title>
            <AgreementText text={data.version.text} size="lg" />
            {accept.error && <ErrorAlert error={accept.error} title="That did not work. Ask your teacher." />}
            <Group gap="md" grow wrap="wrap">
              <Button size="xl" h={72} fz={24} color="teal.9" loading={accept.isPending} onClick={() => accept.mutate(pupil.id)}>
                I agree
              </Button>
              <Button size="xl" h={72} fz={22} variant="outline" onClick={() => setPupilId(null)}>
                Back to the list
              </Button>
            </Group>
          </Stack>
        )}
        {data && !pupil && (
          <Stack gap="lg">
            <Title order={1} fz={{ base: 28, sm: 34 }} ref={heading} tabIndex={-1}>
              {data.className}: find your name
            </Title>
            {done && (
              <Alert color="teal" variant="light" title={`Thank you, ${done}!`} role="status" fz={20}>
                Your promise is saved. Pass the device to the next person.
              </Alert>
            )}
            <Text fz={20}>Tap your name to read “{data.version.title}”.</Text>
            <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="md" component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
              {data.pupils.map((p) => (
                <li key={p.id}>
                  {p.accepted ? (
                    <Text fz={22} fw={600} p="md" c="teal.9" style={{ border: '2px solid var(--mantine-color-teal-7)', borderRadius: 8, textAlign: 'center' }}>
                      ✓ {p.firstName} {p.lastInitial} — done
                    </Text>
                  ) : (
                    <Button fullWidth size="xl" h={72} fz={24} variant="light" onClick={() => (setDone(null), setPupilId(p.id))}>
                      {p.firstName} {p.lastInitial}
                    </Button>
                  )}
                </li>
              ))}
            </SimpleGrid>
            {data.pupils.length === 0 && <Text>Nobody in this class is waiting to accept.</Text>}
          </Stack>
        )}
      </Stack>
    </PublicLayout>
  );
}
