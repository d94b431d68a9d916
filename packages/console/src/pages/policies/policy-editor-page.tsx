import { Anchor, Badge, Button, Grid, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/api';
import type { Policy, PolicyInput } from '../../api/types';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { PolicyDryRun } from './policy-dry-run';
import { PolicyForm } from './policy-form';
import { emptyPolicy, fromPolicy } from './policy-form-values';

const back = (
  <Anchor component={Link} to="/policies" size="sm">
    <Group gap={4}>
      <IconArrowLeft size={14} /> Policies
    </Group>
  </Anchor>
);

export function PolicyEditorPage() {
  const { policyId } = useParams();
  const policy = useQuery({
    queryKey: ['policies', 'one', policyId],
    queryFn: () => api.policies.get(policyId ?? ''),
    enabled: Boolean(policyId),
  });

  if (!policyId) return <NewPolicy />;
  return (
    <QueryBoundary query={policy} errorTitle="Could not load this policy">
      {(data) => <ExistingPolicy key={data.policy_id} policy={data} />}
    </QueryBoundary>
  );
}

function NewPolicy() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = async (input: PolicyInput) => {
    const created = await api.policies.create(input);
    void queryClient.invalidateQueries({ queryKey: ['policies'] });
    notifications.show({ color: 'teal', message: `Created ${created.name}` });
    navigate(`/policies/${created.policy_id}`, { replace: true });
  };
  return (
    <>
      <PageHeader
        above={back}
        title="New policy"
        description={
          'When an event of a type happens, send these emails to these roles, ' +
          'with waits between.'
        }
      />
      <PolicyForm initialValues={emptyPolicy} submitLabel="Create policy" onSave={create} />
    </>
  );
}

function ExistingPolicy({ policy }: { policy: Policy }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [dirty, setDirty] = useState(false);
  const [deleting, del] = useDisclosure();
  const [initialValues] = useState(() => fromPolicy(policy));
  const remove = useMutation({
    mutationFn: () => api.policies.remove(policy.policy_id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['policies'] });
      navigate('/policies');
    },
  });
  const save = async (input: PolicyInput) => {
    const saved = await api.policies.update(policy.policy_id, input);
    queryClient.setQueryData(['policies', 'one', saved.policy_id], saved);
    void queryClient.invalidateQueries({ queryKey: ['policies', 'list'] });
    notifications.show({
      color: 'teal',
      message: `Saved ${saved.name} (version ${saved.version})`,
    });
  };

  return (
    <>
      <PageHeader
        above={back}
        title={policy.name}
        description={
          <Group gap="xs" component="span">
            <code>{policy.policy_id}</code>
            <Badge variant="light" color={policy.enabled ? 'teal' : 'gray'} component="span">
              {policy.enabled ? 'enabled' : 'disabled'}
            </Badge>
            <Badge variant="outline" color="gray" component="span">
              version {policy.version}
            </Badge>
          </Group>
        }
        actions={
          <Button
            variant="light"
            color="red"
            leftSection={<IconTrash size={16} />}
            onClick={del.open}
          >
            Delete
          </Button>
        }
      />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <PolicyForm
            initialValues={initialValues}
            submitLabel="Save"
            onSave={save}
            onDirtyChange={setDirty}
          />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <PolicyDryRun policy={policy} dirty={dirty} />
        </Grid.Col>
      </Grid>
      <ConfirmModal
        opened={deleting}
        title="Delete this policy?"
        confirmLabel="Delete policy"
        onConfirm={() => remove.mutate()}
        onClose={() => {
          remove.reset();
          del.close();
        }}
        loading={remove.isPending}
        error={remove.error}
      >
        {policy.name} starts no new runs. Runs already going carry on with the version they started
        with.
      </ConfirmModal>
    </>
  );
}
