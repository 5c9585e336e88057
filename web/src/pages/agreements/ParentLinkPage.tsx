// PUBLIC: the page a parent opens from the emailed single-use link. No account and no app frame:
// the child's first name, the agreement, a name to sign with, and optional photo consents.
import { Alert, Button, Checkbox, Group, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../api.ts';
import { AgreementText } from '../../components/agreements/AgreementText.tsx';
import { publicApi } from '../../components/agreements/publicApi.ts';
import type { ParentAccepted, ParentLink } from '../../components/agreements/types.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PublicLayout } from '../../components/PublicLayout.tsx';

/** A used, expired or unknown link: say which if the server said, and what to do next. */
export function LinkProblem({ error, what }: { error: unknown; what: string }) {
  const e = error instanceof ApiError ? error : null;
  if (!e || ![400, 404, 410].includes(e.status)) return <ErrorAlert error={error} />;
  const expired = /expired|closed/i.test(e.detail);
  const used = !expired && (/used|spent/i.test(e.detail) || e.status === 410);
  const title = used ? `This ${what} has already been used` : expired ? `This ${what} has ${/closed/i.test(e.detail) ? 'closed' : 'expired'}` : `This ${what} does not work`;
  const text = used
    ? `Each ${what} works once only, and this one has already been used, so there is nothing more to do here. If you need to change an answer, contact the school office.`
    : expired
      ? e.detail || `Ask the school office for a new ${what}.`
      : `The ${what} may be incomplete or mistyped. Check you copied all of it, or ask the school office for a new one.`;
  return (
    <Alert color={used ? 'blue' : 'yellow'} variant="light" title={title} role="alert">
      {text}
    </Alert>
  );
}

export function ParentLinkPage() {
  const { token = '' } = useParams();
  const link = useQuery({
    queryKey: ['public-parent-link', token],
    queryFn: () => publicApi.get<ParentLink>(`/parent-links/${encodeURIComponent(token)}`),
    retry: false,
  });
  const [name, setName] = useState('');
  const [agree, setAgree] = useState(false);
  const [answers, setAnswers] = useState<Record<string, boolean>>({});
  const [tried, setTried] = useState(false);
  const accept = useMutation({
    mutationFn: () =>
      publicApi.post<ParentAccepted>(`/parent-links/${encodeURIComponent(token)}`, {
        accept: true,
        parentName: name.trim(),
        ...(Object.keys(answers).length > 0 ? { consents: answers } : {}),
      }),
  });
  useEffect(() => {
    document.title = 'Agreement from school – Haven';
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!name.trim() || !agree) return;
    accept.mutate();
  };

  const data = link.data;
  return (
    <PublicLayout wide>
      <Stack gap="md">
        {link.isPending && <Text role="status">Loading…</Text>}
        {link.error && (
          <>
            <Title order={1} fz={26}>
              Agreement from school
            </Title>
            <LinkProblem error={link.error} what="link" />
          </>
        )}
        {data && accept.isSuccess && (
          <>
            <Title order={1} fz={26}>
              Thank you
            </Title>
            <Alert color="teal" variant="light" title="Your answer is recorded" role="status">
              {data.school.name} has your acceptance of “{data.version.title}” for {data.pupil.firstName}
              {Object.keys(answers).length > 0 ? ', and your photo and name choices' : ''}. The link will not work again.
            </Alert>
            {accept.data?.withdrawUrl && (
              <Text>
                You can withdraw this acceptance, or say no to photos and names, at any time: keep this{' '}
                <a href={new URL(accept.data.withdrawUrl).pathname}>link to withdraw</a>. We have also emailed it to you.
              </Text>
            )}
          </>
        )}
        {data && !accept.isSuccess && (
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <div>
                <Text fz="sm" c="dimmed">
                  {data.school.name}
                </Text>
                <Title order={1} fz={{ base: 24, sm: 28 }}>
                  {data.version.title} for {data.pupil.firstName}
                </Title>
              </div>
              <Text>Please read the agreement below. It is version {data.version.number}.</Text>
              <section aria-label="The agreement" style={{ borderLeft: '4px solid var(--mantine-color-blue-7)', paddingLeft: 16 }}>
                <AgreementText text={data.version.text} />
              </section>

              {data.consents.length > 0 && (
                <Stack gap="sm" component="fieldset" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8, padding: 16, margin: 0, minWidth: 0 }}>
                  <Text component="legend" fw={700} fz="lg" px={4}>
                    Photos and names (optional)
                  </Text>
                  <Text fz="sm">Answer only the ones you want to. You can change your mind at any time by telling the school.</Text>
                  {data.consents.map((c) => {
                    const value = c.purpose in answers ? String(answers[c.purpose]) : c.current === null ? null : String(c.current);
                    return (
                      <Radio.Group
                        key={c.purpose}
                        label={c.label}
                        value={value}
                        onChange={(v) => setAnswers((a) => ({ ...a, [c.purpose]: v === 'true' }))}
                      >
                        <Group gap="lg" mt={4}>
                          <Radio value="true" label="Yes" />
                          <Radio value="false" label="No" />
                        </Group>
                      </Radio.Group>
                    );
                  })}
                </Stack>
              )}

              <TextInput
                label="Your full name"
                description="As a parent or carer with parental responsibility"
                autoComplete="name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                required
                error={tried && !name.trim() ? 'Type your full name to sign' : undefined}
              />
              <Checkbox
                label={`I have read this agreement and accept it for ${data.pupil.firstName}`}
                checked={agree}
                onChange={(e) => setAgree(e.currentTarget.checked)}
                error={tried && !agree ? 'Tick the box to accept' : undefined}
              />
              {accept.error && <LinkProblem error={accept.error} what="link" />}
              <Button type="submit" size="md" loading={accept.isPending}>
                Accept the agreement
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </PublicLayout>
  );
}
