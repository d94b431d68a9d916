import { Modal, Stack, Tabs, Text } from '@mantine/core';
import type { DryRunEmail } from '../../api/types';
import { EmailFrame } from '../../components/email-frame';

/** One email a dry run would send, rendered as its recipient would see it. */
export function DryRunEmailModal({
  email,
  onClose,
}: {
  email: DryRunEmail | null;
  onClose: () => void;
}) {
  return (
    <Modal opened={email !== null} onClose={onClose} title={email?.subject} size="xl" centered>
      {email && (
        <Stack>
          <Text size="sm" c="dimmed">
            To {email.to.name ? `${email.to.name} <${email.to.email}>` : email.to.email} as{' '}
            {email.role}
          </Text>
          <Tabs defaultValue={email.html_body !== null ? 'html' : 'text'}>
            <Tabs.List>
              <Tabs.Tab value="html" disabled={email.html_body === null}>
                HTML
              </Tabs.Tab>
              <Tabs.Tab value="text" disabled={email.text_body === null}>
                Text
              </Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="html" pt="sm">
              <EmailFrame html={email.html_body ?? ''} title={`Email to ${email.to.email}`} />
            </Tabs.Panel>
            <Tabs.Panel value="text" pt="sm">
              <Text component="pre" size="sm" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
                {email.text_body}
              </Text>
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Modal>
  );
}
