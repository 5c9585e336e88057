// Sign in: email and passphrase, then (for enrolled accounts) a 6-digit code from the authenticator.
import { Alert, Anchor, Button, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { ApiError, api, type LoginResult, setCsrfToken } from '../api.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { PublicLayout } from '../components/PublicLayout.tsx';
import { SESSION_KEY } from '../session.ts';

type Step = 'password' | 'totp';

export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>('password');
  const [codeError, setCodeError] = useState<string | null>(null);
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const client = useQueryClient();
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = step === 'totp' ? 'Enter your code – Haven' : 'Sign in – Haven';
    if (step === 'totp') codeRef.current?.focus();
  }, [step]);

  const login = useMutation({
    mutationFn: (body: { email: string; password: string; totp?: string }) => api.post<LoginResult>('/auth/login', body),
    onSuccess: async (result) => {
      setCsrfToken(result.csrfToken);
      await client.resetQueries({ queryKey: SESSION_KEY });
      const next = params.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 401) {
        const totp = e.fieldError('totp');
        if (totp === 'required') {
          setStep('totp');
          setCodeError(null);
          login.reset();
          return;
        }
        if (totp) {
          setCodeError(e.detail || 'That code is not right. Enter the current code.');
          setCode('');
          codeRef.current?.focus();
        }
      }
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (step === 'totp') {
      const clean = code.replace(/\s/g, '');
      if (!/^\d{6}$/.test(clean)) {
        setCodeError('Enter the 6 digits shown in your authenticator app.');
        return;
      }
      login.mutate({ email, password, totp: clean });
    } else {
      login.mutate({ email, password });
    }
  };

  const err = login.error;
  const lockedOut = err instanceof ApiError && err.status === 423;
  const showGeneric = err && !lockedOut && !(err instanceof ApiError && err.fieldError('totp'));

  return (
    <PublicLayout>
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Title order={1} fz={28}>
            {step === 'totp' ? 'Enter your code' : 'Sign in to Haven'}
          </Title>
          {lockedOut && (
            <Alert color="red" variant="light" title="Account locked" role="alert">
              {(err as ApiError).detail || 'This account is locked. Ask your school administrator to unlock it.'}
            </Alert>
          )}
          {showGeneric && <ErrorAlert error={err} title={err instanceof ApiError && err.status === 401 ? 'Sign-in failed' : undefined} />}
          {step === 'password' ? (
            <>
              <TextInput
                label="Email address"
                type="email"
                autoComplete="username"
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                required
                error={err instanceof ApiError ? err.fieldError('email') : undefined}
              />
              <PasswordInput
                label="Passphrase"
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                required
                error={err instanceof ApiError ? err.fieldError('password') : undefined}
                visibilityToggleButtonProps={{ 'aria-label': 'Show or hide passphrase' }}
              />
              <Button type="submit" loading={login.isPending} size="md">
                Sign in
              </Button>
              <Anchor component={Link} to="/forgot-passphrase">
                Forgotten your passphrase?
              </Anchor>
            </>
          ) : (
            <>
              <Text>Open the authenticator app on your phone and enter the 6-digit code for Haven.</Text>
              <TextInput
                ref={codeRef}
                label="6-digit code"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={8}
                value={code}
                onChange={(e) => setCode(e.currentTarget.value)}
                error={codeError}
                required
                styles={{ input: { letterSpacing: '0.3em', fontSize: 20 } }}
              />
              <Button type="submit" loading={login.isPending} size="md">
                Continue
              </Button>
              <Anchor
                component="button"
                type="button"
                onClick={() => {
                  setStep('password');
                  setCode('');
                  setCodeError(null);
                  login.reset();
                }}
              >
                Use a different account
              </Anchor>
            </>
          )}
        </Stack>
      </form>
    </PublicLayout>
  );
}
