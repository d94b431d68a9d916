import { Alert, Anchor } from '@mantine/core';
import { IconFlask, IconInbox } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/api';
import { useMode } from '../session/mode-provider';

/** Says where mail goes when it is not going anywhere real: test mode, or no provider yet. */
export function ModeBanner() {
  const { mode } = useMode();
  const provider = useQuery({ queryKey: ['email-provider'], queryFn: api.emailProvider.get });

  if (mode === 'test') {
    return (
      <Alert color="orange" variant="light" icon={<IconFlask size={18} />} mb="md" py="xs">
        Test mode: you are looking at test data. Events sent with an <code>em_test_</code> key run
        every policy, and their mail is only captured by the outbox.
      </Alert>
    );
  }
  if (provider.data?.provider === 'outbox') {
    return (
      <Alert color="violet" variant="light" icon={<IconInbox size={18} />} mb="md" py="xs">
        No email provider yet: live mail is captured by the outbox, not sent.{' '}
        <Anchor component={Link} to="/settings/email-provider" size="sm">
          Set up SendGrid or SMTP
        </Anchor>
      </Alert>
    );
  }
  return null;
}
