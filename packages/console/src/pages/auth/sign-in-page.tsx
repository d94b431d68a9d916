import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { isEmail, isNotEmpty, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate, useSearchParams } from 'react-router';
import { api } from '../../api/api';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem, onlyFields } from '../../forms/apply-problem';
import { useSession } from '../../session/use-session';
import { AuthLayout } from './auth-layout';
import { useSignedInRedirect } from './use-signed-in-redirect';

export function SignInPage() {
  const session = useSession();
  const [params] = useSearchParams();
  const onSignedIn = useSignedInRedirect();
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: isEmail('Enter the email address you signed up with'),
      password: isNotEmpty('Enter your password'),
    },
  });
  const signIn = useMutation({
    mutationFn: api.auth.signIn,
    onSuccess: onSignedIn,
    onError: (error) => setProblem(applyProblem(form, error, onlyFields('email', 'password'))),
  });

  if (session.data) return <Navigate to="/" replace />;
  const signUpLink = params.get('next') ? `/signup?${params.toString()}` : '/signup';

  return (
    <AuthLayout title="Sign in to Emivoy" subtitle="Notification policies for your domain events">
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          signIn.mutate({ email: values.email.trim(), password: values.password });
        })}
      >
        <Stack>
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            autoComplete="current-password"
            required
            {...form.getInputProps('password')}
          />
          {problem ? <ProblemAlert error={problem} title="Could not sign in" /> : null}
          <Button type="submit" loading={signIn.isPending} fullWidth>
            Sign in
          </Button>
          <Text size="sm" ta="center">
            New to Emivoy?{' '}
            <Anchor component={Link} to={signUpLink}>
              Create an account
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
