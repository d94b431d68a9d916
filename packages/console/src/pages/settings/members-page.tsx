import { Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconUsers } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/api';
import type { Member } from '../../api/types';
import { useCursorList } from '../../api/use-cursor-list';
import { ConfirmModal } from '../../components/confirm-modal';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { ProblemAlert } from '../../components/problem-alert';
import { QueryBoundary } from '../../components/query-boundary';
import { TimeAgo } from '../../components/time-ago';
import { applyProblem, onlyFields } from '../../forms/apply-problem';
import { validators } from '../../forms/validators';
import { useSession } from '../../session/use-session';

export function MembersPage() {
  const queryClient = useQueryClient();
  const session = useSession().data;
  const [removing, setRemoving] = useState<Member | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const list = useCursorList(['members', 'list'], (cursor) =>
    api.members.list({ cursor, limit: 50 }),
  );
  const form = useForm({
    initialValues: { email: '', role: 'member' },
    validate: { email: validators.email },
  });
  const add = useMutation({
    mutationFn: (values: typeof form.values) =>
      api.members.add({ email: values.email.trim(), role: values.role }),
    onSuccess: () => {
      form.reset();
      void queryClient.invalidateQueries({ queryKey: ['members'] });
    },
    onError: (error) =>
      setProblem(
        applyProblem(form, error, onlyFields('email', 'role'), {
          user_not_found: 'email',
          member_exists: 'email',
        }),
      ),
  });
  const remove = useMutation({
    mutationFn: (member: Member) => api.members.remove(member.user_id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['members'] });
      setRemoving(null);
    },
  });

  return (
    <Stack maw={860}>
      <Paper withBorder radius="md" p="md">
        <form
          noValidate
          onSubmit={form.onSubmit((values) => {
            setProblem(null);
            add.mutate(values);
          })}
        >
          <Stack gap="xs">
            <Text size="sm" fw={600}>
              Add a member
            </Text>
            <Text size="xs" c="dimmed">
              They sign up for Emivoy first, with this email; then they can switch to this account
              from the account menu.
            </Text>
            <Group align="flex-start" gap="xs">
              <TextInput
                aria-label="Member email"
                placeholder="teammate@yourcompany.com"
                style={{ flex: 1 }}
                {...form.getInputProps('email')}
              />
              <Select
                aria-label="Role"
                data={[
                  { value: 'member', label: 'Member' },
                  { value: 'owner', label: 'Owner' },
                ]}
                allowDeselect={false}
                w={130}
                {...form.getInputProps('role')}
              />
              <Button type="submit" loading={add.isPending}>
                Add member
              </Button>
            </Group>
            {problem ? <ProblemAlert error={problem} title="Could not add the member" /> : null}
          </Stack>
        </form>
      </Paper>
      <QueryBoundary query={list} errorTitle="Could not load members">
        {() =>
          list.items.length === 0 ? (
            <EmptyHint icon={<IconUsers size={28} />} title="No members">
              Add the people who should manage this account.
            </EmptyHint>
          ) : (
            <Paper withBorder radius="md" p="xs">
              <Table verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Person</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Member since</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((member) => (
                    <Table.Tr key={member.user_id}>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {member.name ?? member.email ?? member.user_id}
                          {member.user_id === session?.user.user_id ? ' (you)' : ''}
                        </Text>
                        {member.name && member.email && (
                          <Text size="xs" c="dimmed">
                            {member.email}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={member.role === 'owner' ? 'indigo' : 'gray'}>
                          {member.role}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <TimeAgo iso={member.created_at} size="sm" c="dimmed" />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Button
                          size="compact-sm"
                          variant="subtle"
                          color="red"
                          onClick={() => setRemoving(member)}
                          aria-label={`Remove ${member.email ?? member.user_id}`}
                        >
                          Remove
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <LoadMoreButton
                hasNextPage={list.hasNextPage}
                isFetchingNextPage={list.isFetchingNextPage}
                onLoadMore={list.loadMore}
              />
            </Paper>
          )
        }
      </QueryBoundary>
      <ConfirmModal
        opened={removing !== null}
        title="Remove this member?"
        confirmLabel="Remove member"
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => {
          remove.reset();
          setRemoving(null);
        }}
        loading={remove.isPending}
        error={remove.error}
      >
        {removing?.name ?? removing?.email} loses access to this account at once. Their user and
        their other accounts stay.
      </ConfirmModal>
    </Stack>
  );
}
