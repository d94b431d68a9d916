import { Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/api';
import { describeError } from '../../api/api-problem';
import type { Policy } from '../../api/types';

/** Turns a policy on or off at once, from the list. */
export function PolicyEnabledSwitch({ policy }: { policy: Policy }) {
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api.policies.update(policy.policy_id, { enabled }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['policies'] }),
    onError: (error) =>
      notifications.show({
        color: 'red',
        title: 'Could not change it',
        message: describeError(error),
      }),
  });
  const enabled = toggle.isPending ? Boolean(toggle.variables) : policy.enabled;
  return (
    <Switch
      checked={enabled}
      onChange={(event) => toggle.mutate(event.currentTarget.checked)}
      disabled={toggle.isPending}
      aria-label={`${policy.name}: ${enabled ? 'enabled' : 'disabled'}`}
      label={enabled ? 'On' : 'Off'}
    />
  );
}
