// PUBLIC: a parent withdraws, at any time, with the link from their confirmation or first email.
// One child only; asks why; can also say no to photo and name uses. Everything is added as new
// records — what was agreed before stays in the school's history.
import { Alert, Button, Checkbox, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { publicApi } from '../../components/agreements/publicApi.ts';
import type { WithdrawDone, WithdrawLink } from '../../components/agreements/types.ts';
import { PublicLayout } from '../../components/PublicLayout.tsx';
import { LinkProblem } from './ParentLinkPage.tsx';

export function WithdrawPage() {
  const { token = '' } = useParams();
  const link = useQuery({
    queryKey: ['public-withdraw-link', token],
    queryFn: () => publicApi.get<WithdrawLink>(`/withdraw/${encodeURIComponent(token)}`),
    retry: false,
  });
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [agreement, setAgreement] = useState(true);
  const [noTo, setNoTo] = useState<string[]>([]);
  const [tried, setTried] = useState(false);
  const send = useMutation({
    mutationFn: () =>
      publicApi.post<WithdrawDone>(`/withdraw/${encodeURIComponent(token)}`, {
        parentName: name.trim(),
        reason: reason.trim(),
        withdrawAgreement: canWithdrawAgreement && agreement,
        consentsNo: noTo,
      }),
  });
  useEffect(() => {
    document.title = 'Withdraw – Haven';
  }, []);

  const data = link.data;
  const canWithdrawAgreement = Boolean(data?.agreement && !data.agreement.withdrawnOn);
  const nothingChosen = !(canWithdrawAgreement && agreement) && noTo.length === 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!name.trim() || !reason.trim() || nothingChosen) return;
    send.mutate();
  };

  return (
    <PublicLayout wide>
      <Stack gap="md">
        {link.isPending && <Text role="status">Loading…</Text>}
        {link.error && (
          <>
            <Title order={1} fz={26}>
              Withdraw
            </Title>
            <LinkProblem error={link.error} what="link" />
          </>
        )}
        {data && send.isSuccess && (
          <>
            <Title order={1} fz={26}>
              Thank you
            </Title>
            <Alert color="teal" variant="light" title="Your withdrawal is recorded" role="status">
              {data.school.name} has recorded
              {send.data.withdrawalId ? ` that you withdrew the ${data.agreement?.title ?? 'agreement'} for ${data.pupil.firstName}` : ''}
              {send.data.withdrawalId && send.data.consentsWithdrawn.length > 0 ? ', and' : ''}
              {send.data.consentsWithdrawn.length > 0 ? ` your “no” to ${send.data.consentsWithdrawn.length} photo and name ${send.data.consentsWithdrawn.length === 1 ? 'use' : 'uses'}` : ''}. This link will not work again.
            </Alert>
          </>
        )}
        {data && !send.isSuccess && (
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <div>
                <Text fz="sm" c="dimmed">
                  {data.school.name}
                </Text>
                <Title order={1} fz={{ base: 24, sm: 28 }}>
                  Withdraw for {data.pupil.firstName}
                </Title>
              </div>
              {data.agreement ? (
                data.agreement.withdrawnOn ? (
                  <Text>
                    The {data.agreement.title} was already withdrawn on {data.agreement.withdrawnOn}. You can still say no to photos and names below.
                  </Text>
                ) : (
                  <Checkbox
                    size="md"
                    label={`Withdraw my acceptance of the ${data.agreement.title} (version ${data.agreement.number}, accepted on ${data.agreement.acceptedOn})`}
                    checked={agreement}
                    onChange={(e) => setAgreement(e.currentTarget.checked)}
                  />
                )
              ) : (
                <Text>You have not accepted the agreement through this link, so there is nothing to withdraw there. You can still say no to photos and names below.</Text>
              )}
              <Stack gap="xs" component="fieldset" style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8, padding: 16, margin: 0, minWidth: 0 }}>
                <Text component="legend" fw={700} fz="lg" px={4}>
                  Say no to these photo and name uses
                </Text>
                {data.consents.map((c) => (
                  <Checkbox
                    key={c.purpose}
                    label={`${c.label}${c.current === true ? ' (now: yes)' : c.current === false ? ' (now: no)' : ''}`}
                    checked={noTo.includes(c.purpose)}
                    disabled={c.current === false}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      setNoTo((xs) => (on ? [...xs, c.purpose] : xs.filter((x) => x !== c.purpose)));
                    }}
                  />
                ))}
              </Stack>
              <Textarea
                label="Why are you withdrawing?"
                description="The school keeps this with the record."
                autosize
                minRows={3}
                maxLength={2000}
                value={reason}
                onChange={(e) => setReason(e.currentTarget.value)}
                required
                error={tried && !reason.trim() ? 'Write a short reason' : undefined}
              />
              <TextInput
                label="Your full name"
                autoComplete="name"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
                required
                error={tried && !name.trim() ? 'Type your full name' : undefined}
              />
              {tried && nothingChosen && (
                <Text c="red.8" role="alert">
                  Choose what to withdraw: the agreement, or at least one photo or name use.
                </Text>
              )}
              {send.error && <LinkProblem error={send.error} what="link" />}
              <Button type="submit" size="md" color="red" loading={send.isPending}>
                Record my withdrawal
              </Button>
            </Stack>
          </form>
        )}
      </Stack>
    </PublicLayout>
  );
}
