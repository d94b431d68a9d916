import { ActionIcon, Avatar, Menu, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLogout } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api } from '../api/api';
import { describeError } from '../api/api-problem';
import { setCsrfToken } from '../api/api-request';
import { sessionKey, useSession } from '../session/use-session';

function initialsOf(name: string): string {
  const parts = name.split(/[\s@._-]+/).filter(Boolean);
  return parts
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase() ?? '')
    .join('');
}

export function UserMenu() {
  const session = useSession().data;
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  if (!session) return null;
  const { user } = session;

  const signOut = async () => {
    try {
      await api.auth.signOut();
    } catch (error) {
      notifications.show({ color: 'red', title: 'Sign-out failed', message: describeError(error) });
      return;
    }
    setCsrfToken(null);
    queryClient.clear();
    queryClient.setQueryData(sessionKey, null);
    navigate('/signin');
  };

  return (
    <Menu position="bottom-end" width={240}>
      <Menu.Target>
        <ActionIcon variant="subtle" size="lg" radius="xl" aria-label="Your profile">
          <Avatar size={32} radius="xl" color="indigo">
            {initialsOf(user.name ?? user.email)}
          </Avatar>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={600} c="var(--mantine-color-text)">
            {user.name ?? user.email}
          </Text>
          {user.name && (
            <Text size="xs" c="dimmed">
              {user.email}
            </Text>
          )}
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
