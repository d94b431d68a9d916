import { Anchor, Badge, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowLeft, IconPencil, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/api';
import { ConfirmModal } from '../../components/confirm-modal';
import { JsonBlock } from '../../components/json-block';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { TimeAgo } from '../../components/time-ago';
import { EntityContacts } from './entity-contacts';
import { EntityFormModal } from './entity-form-modal';
import { EntityTimeline } from './entity-timeline';

export function EntityPage() {
  const entityId = useParams().entityId ?? '';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [editing, edit] = useDisclosure();
  const [deleting, del] = useDisclosure();
  const entity = useQuery({
    queryKey: ['entities', 'one', entityId],
    queryFn: () => api.entities.get(entityId),
  });
  const remove = useMutation({
    mutationFn: () => api.entities.remove(entityId),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['entities'] });
      navigate('/entities');
    },
  });

  const back = (
    <Anchor component={Link} to="/entities" size="sm">
      <Group gap={4}>
        <IconArrowLeft size={14} /> Entities
      </Group>
    </Anchor>
  );

  return (
    <QueryBoundary query={entity} errorTitle="Could not load this entity">
      {(data) => (
        <>
          <PageHeader
            above={back}
            title={data.name ?? data.external_id}
            description={
              <Group gap="xs" component="span">
                <Badge variant="light" color="gray" radius="sm" component="span">
                  {data.entity_type}
                </Badge>
                <Text span size="sm" ff="monospace">
                  {data.external_id}
                </Text>
              </Group>
            }
            actions={
              <>
                <Button
                  variant="default"
                  leftSection={<IconPencil size={16} />}
                  onClick={edit.open}
                >
                  Edit
                </Button>
                <Button
                  variant="light"
                  color="red"
                  leftSection={<IconTrash size={16} />}
                  onClick={del.open}
                >
                  Delete
                </Button>
              </>
            }
          />
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, md: 5 }}>
              <Stack>
                <EntityContacts entityId={entityId} />
                <Paper withBorder radius="md" p="md">
                  <Title order={3} size="h5" mb="sm">
                    Details
                  </Title>
                  <Text size="sm" c="dimmed" mb={4}>
                    Created <TimeAgo iso={data.created_at} span />, updated{' '}
                    <TimeAgo iso={data.updated_at} span />
                  </Text>
                  {Object.keys(data.attributes).length === 0 ? (
                    <Text size="sm" c="dimmed">
                      No attributes. Add some to use them in templates as{' '}
                      <code>{'{{entity.attributes.plan}}'}</code>.
                    </Text>
                  ) : (
                    <JsonBlock value={data.attributes} label="Attributes" />
                  )}
                </Paper>
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: 7 }}>
              <Title order={3} size="h4" mb="sm">
                Timeline
              </Title>
              <EntityTimeline entityId={entityId} />
            </Grid.Col>
          </Grid>
          <EntityFormModal
            key={data.updated_at}
            opened={editing}
            onClose={edit.close}
            entity={data}
            onSaved={() => void queryClient.invalidateQueries({ queryKey: ['entities'] })}
          />
          <ConfirmModal
            opened={deleting}
            title="Delete this entity?"
            confirmLabel="Delete entity"
            onConfirm={() => remove.mutate()}
            onClose={del.close}
            loading={remove.isPending}
            error={remove.error}
          >
            {data.name ?? data.external_id} and its contacts are deleted. Events about it stay,
            since they happened; new events for <code>{data.external_id}</code> are refused.
          </ConfirmModal>
        </>
      )}
    </QueryBoundary>
  );
}
