import { Alert, Button, Group, Text } from '@mantine/core';
import { IconCircleCheck, IconCircleX, IconPlugConnected } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { api } from '../../api/api';
import { ProblemAlert } from '../../components/problem-alert';

/** Asks the provider whether the saved settings work, and shows its answer. */
export function ProviderVerify({ disabled }: { disabled: boolean }) {
  const verify = useMutation({ mutationFn: api.emailProvider.verify });
  const result = verify.data;
  return (
    <>
      <Group>
        <Button
          variant="default"
          leftSection={<IconPlugConnected size={16} />}
          onClick={() => verify.mutate()}
          loading={verify.isPending}
          disabled={disabled}
        >
          Verify
        </Button>
        <Text size="xs" c="dimmed">
          {disabled
            ? 'Save your changes first: verification checks the saved settings.'
            : 'Checks the saved settings with the provider; sends no mail.'}
        </Text>
      </Group>
      {result && (
        <Alert
          color={result.ok ? 'teal' : 'red'}
          variant="light"
          icon={result.ok ? <IconCircleCheck size={18} /> : <IconCircleX size={18} />}
          title={result.ok ? 'Verified' : 'Verification failed'}
          data-testid="verify-result"
          role="status"
        >
          {result.detail}
        </Alert>
      )}
      {verify.error ? <ProblemAlert error={verify.error} title="Could not verify" /> : null}
    </>
  );
}
