import { Button, Menu, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconPlus, IconSelector } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from '../api/api';
import { describeError } from '../api/api-problem';
import { useSession } from '../session/use-session';
import { CreateAccountModal } from './create-account-modal';

/** The account the console acts on, and the others this user belongs to. */
export function AccountSwitcher() {
  const session = useSession().data;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [creating, { open, close }] = useDisclosure();
  if (!session) return null;

  const current = session.accounts.find((a) => a.account_id === session.current_account_id);

  const switchTo = async (accountId: string) => {
    try {
      await api.auth.switchAccount(accountId);
      // Everything cached belongs to the account we just left.
      await queryClient.resetQueries();
      navigate('/');
    } catch (error) {
      notifications.show({
        color: 'red',
        title: 'Could not switch',
        message: describeError(error),
      });
    }
  };

  return (
    <>
      <Menu position="bottom-end" width={260} withinPortal>
        <Menu.Target>
          <Button
            variant="default"
            size="sm"
            rightSection={<IconSelector size={16} />}
            aria-label={`Account: ${current?.name ?? 'none'}. Switch account`}
            maw={220}
            visibleFrom="xs"
          >
            <Text size="sm" truncate>
              {current?.name ?? 'Choose an account'}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Accounts</Menu.Label>
          {session.accounts.map((account) => (
            <Menu.Item
              key={account.account_id}
              onClick={() => void switchTo(account.account_id)}
              rightSection={
                account.account_id === session.current_account_id ? <IconCheck size={16} /> : null
              }
            >
              <Text size="sm">{account.name}</Text>
              <Text size="xs" c="dimmed">
                {account.role}
              </Text>
            </Menu.Item>
          ))}
          <Menu.Divider />
          <Menu.Item leftSection={<IconPlus size={16} />} onClick={open}>
            New account
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <CreateAccountModal opened={creating} onClose={close} onCreated={switchTo} />
    </>
  );
}
