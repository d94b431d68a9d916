import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { hasLength, isEmail, isNotEmpty, useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Navigate } from 'react-router';
import { api } from '../../api/api';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem, onlyFields } from '../../forms/apply-problem';
import { useSession } from '../../session/use-session';
import { AuthLayout } from './auth-layout';
import { useSignedInRedirect } from './use-signed-in-redirect';

export function SignUpPage() {
  const session = useSession();
  const onSignedIn = useSignedInRedirect();
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm({
    initialValues: { name: '', email: '', password: '', account_name: '' },
    validate: {
      email: isEmail('Enter a valid email address'),
      password: hasLength({ min: 10 }, 'Use at least 10 characters'),
      account_name: isNotEmpty('Name your account, such as your company'),
    },
  });
  const signUp = useMutation({
    mutationFn: api.auth.signUp,
    onSuccess: onSignedIn,
    onError: (error) =>
      setProblem(
        applyProblem(form, error, onlyFields('name', 'email', 'password', 'account_name'), {
          email_taken: 'email',
        }),
      ),
  });

  if (session.data) return <Navigate to="/" replace />;

  return (
    <AuthLayout
      title="Create your Emivoy account"
      subtitle="Free for 1,000 events a month. Mail goes through your own provider."
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          const name = values.name.trim();
          signUp.mutate({
            email: values.email.trim(),
            password: values.password,
            account_name: values.account_name.trim(),
            ...(name ? { name } : {}),
          });
        })}
      >
        <Stack>
          <TextInput label="Your name" autoComplete="name" {...form.getInputProps('name')} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="email"
            required
            {...form.getInputProps('email')}
          />
          <PasswordInput
            label="Password"
            description="At least 10 characters"
            autoComplete="new-password"
            required
            {...form.getInputProps('password')}
          />
          <TextInput
            label="Account name"
            description="Your company or product; you can add more accounts later"
            autoComplete="organization"
            required
            {...form.getInputProps('account_name')}
          />
          {problem ? <ProblemAlert error={problem} title="Could not create the account" /> : null}
          <Button type="submit" loading={signUp.isPending} fullWidth>
            Create account
          </Button>
          <Text size="sm" ta="center">
            Already have an account?{' '}
            <Anchor component={Link} to="/signin">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthLayout>
  );
}
