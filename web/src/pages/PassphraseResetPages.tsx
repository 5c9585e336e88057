// Forgotten passphrase: ask for a link by email, then choose a new passphrase from that link.
import { Alert, Anchor, Button, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PassphraseForm } from '../components/PassphraseForm.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';

export function ForgotPassphrasePage() {
  const [email, setEmail] = useState('');
  const request = useMutation({ mutationFn: (e: string) => api.post<void>('/auth/password-reset/request', { email: e }) });
  useEffect(() => {
    document.title = 'Forgotten passphrase – Haven';
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    request.mutate(email.trim());
  };
  const apiErr = request.error instanceof ApiError ? request.error : null;
  return (
    <PublicLayout>
      <Stack gap="md">
        <Title order={1} fz={28}>
          Forgotten passphrase
        </Title>
        {request.isSuccess ? (
          <Alert color="teal" variant="light" title="Check your email" role="status">
            If {email.trim()} has a Haven account, we have sent it a link to choose a new passphrase. The link works for a short time
            only. If nothing arrives in 10 minutes, check your junk folder or ask your school office.
          </Alert>
        ) : (
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <Text>Enter the email address you sign in with. We will send you a link to choose a new passphrase.</Text>
              {request.error && !apiErr?.fieldError('email') && <ErrorAlert error={request.error} />}
              <TextInput
                label="Email address"
                type="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                required
                error={apiErr?.fieldError('email')}
              />
              <Button type="submit" loading={request.isPending}>
                Send me a link
              </Button>
            </Stack>
          </form>
        )}
        <Anchor component={Link} to="/login">
          Back to sign in
        </Anchor>
      </Stack>
    </PublicLayout>
  );
}

export function ResetPassphrasePage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const complete = useMutation({
    mutationFn: (newPassword: string) => api.post<void>('/auth/password-reset/complete', { token, newPassword }),
  });
  const tokenProblem = complete.error instanceof ApiError ? complete.error.fieldError('token') : undefined;
  useEffect(() => {
    document.title = 'Choose a new passphrase – Haven';
  }, []);
  return (
    <PublicLayout>
      <Stack gap="md">
        <Title order={1} fz={28}>
          Choose a new passphrase
        </Title>
        {!token ? (
          <Alert color="red" variant="light" title="This link is incomplete" role="alert">
            Open the link from the email again, or ask for a new one.
          </Alert>
        ) : tokenProblem ? (
          // A used or expired link cannot be fixed by retyping: say so, and offer a new link instead of the form.
          <Alert color="red" variant="light" title="This link cannot be used" role="alert">
            {tokenProblem}
          </Alert>
        ) : complete.isSuccess ? (
          <Alert color="teal" variant="light" title="Passphrase changed" role="status">
            Your new passphrase is set. You can now sign in with it.
          </Alert>
        ) : (
          <PassphraseForm
            askCurrent={false}
            submitLabel="Save new passphrase"
            pending={complete.isPending}
            error={complete.error}
            onSubmit={(i) => complete.mutate(i.newPassword)}
          />
        )}
        <Anchor component={Link} to={complete.isSuccess ? '/login' : '/forgot-passphrase'}>
          {complete.isSuccess ? 'Sign in' : 'Ask for a new link'}
        </Anchor>
      </Stack>
    </PublicLayout>
  );
}
