// "My reports": what this person reported, with its status only — never the case itself. They can
// add a follow-up note, which lands on the case timeline.
import { Anchor, Badge, Button, Card, Group, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { Loading, Page } from '../../components/Page.tsx';
import { type MyConcern, statusLabel, typeLabel } from '../../components/concerns/types.ts';
import { formatDateTime } from '../../format.ts';
import { currentSchool, useSignedIn } from '../../session.ts';

function FollowUp({ concern }: { concern: MyConcern }) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [sent, setSent] = useState(false);
  const send = useMutation({
    mutationFn: () => api.post<void>(`/concerns/${concern.id}/follow-ups`, { text: text.trim() }),
    onSuccess: () => {
      setText('');
      setOpen(false);
      setSent(true);
    },
  });
  if (!open) {
    return (
      <Group gap="sm">
        <Button size="xs" variant="outline" onClick={() => setOpen(true)} aria-label={`Add a follow-up note to ${concern.reference}`}>
          Add a follow-up note
        </Button>
        {sent && (
          <Text fz="sm" role="status" c="teal.9">
            Note added to {concern.reference}.
          </Text>
        )}
      </Group>
    );
  }
  return (
    <Stack
      gap="xs"
      component="form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        send.mutate();
      }}
    >
      <Textarea label={`Follow-up note for ${concern.reference}`} description="Something you remembered or that happened since. It cannot be edited later." value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} autoFocus />
      {send.error && <ErrorAlert error={send.error} title="The note was not added" />}
      <Group gap="xs">
        <Button type="submit" size="xs" disabled={!text.trim()} loading={send.isPending}>
          Send note
        </Button>
        <Button size="xs" variant="subtle" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </Group>
    </Stack>
  );
}

export function MyReportsPage() {
  const session = useSignedIn();
  const school = currentSchool(session);
  const q = useQuery({
    queryKey: ['my-concerns', school?.id],
    queryFn: () => api.get<{ concerns: MyConcern[] }>('/my-concerns', { schoolId: school?.id }),
  });
  return (
    <Page
      title="My reports"
      intro="Concerns you reported and where each one is. The safeguarding team sees the detail; you see the status."
      actions={
        <Button component={Link} to="/concerns/new" w="fit-content" size="sm">
          Report a concern
        </Button>
      }
    >
      {q.isPending && <Loading />}
      {q.error && <ErrorAlert error={q.error} />}
      {q.data && q.data.concerns.length === 0 && (
        <Text>
          You have not reported anything here yet.{' '}
          <Anchor component={Link} to="/concerns/new">
            Report a concern
          </Anchor>
        </Text>
      )}
      {q.data && q.data.concerns.length > 0 && (
        <Stack gap="sm" component="ul" m={0} p={0} style={{ listStyle: 'none' }} aria-label="Your reports">
          {q.data.concerns.map((c) => (
            <Card key={c.id} withBorder padding="md" component="li">
              <Stack gap="xs">
                <Group justify="space-between" gap="xs">
                  <Title order={2} fz={18}>
                    {c.reference}
                  </Title>
                  <Badge variant="outline" color="gray.8" tt="none" size="lg">
                    {statusLabel(c.status)}
                  </Badge>
                </Group>
                <Text fz="sm">
                  {typeLabel(c.type)} · reported {formatDateTime(c.createdAt)}
                </Text>
                <FollowUp concern={c} />
              </Stack>
            </Card>
          ))}
        </Stack>
      )}
    </Page>
  );
}
