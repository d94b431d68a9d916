import { Anchor, Button, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowLeft, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api/api';
import { ConfirmModal } from '../../components/confirm-modal';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { TemplateEditor } from './template-editor';

const back = (
  <Anchor component={Link} to="/templates" size="sm">
    <Group gap={4}>
      <IconArrowLeft size={14} /> Templates
    </Group>
  </Anchor>
);

export function TemplateEditorPage() {
  const { templateId } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [deleting, del] = useDisclosure();
  const template = useQuery({
    queryKey: ['templates', 'one', templateId],
    queryFn: () => api.templates.get(templateId ?? ''),
    enabled: Boolean(templateId),
  });
  const remove = useMutation({
    mutationFn: () => api.templates.remove(templateId ?? ''),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['templates'] });
      navigate('/templates');
    },
  });

  if (!templateId) {
    return (
      <>
        <PageHeader
          above={back}
          title="New template"
          description="Subject and bodies in Liquid. Save it to preview it with sample data."
        />
        <TemplateEditor key="new" />
      </>
    );
  }

  return (
    <QueryBoundary query={template} errorTitle="Could not load this template">
      {(data) => (
        <>
          <PageHeader
            above={back}
            title={data.name}
            description={<code>{data.template_id}</code>}
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
          <TemplateEditor key={data.template_id} template={data} />
          <ConfirmModal
            opened={deleting}
            title="Delete this template?"
            confirmLabel="Delete template"
            onConfirm={() => remove.mutate()}
            onClose={() => {
              remove.reset();
              del.close();
            }}
            loading={remove.isPending}
            error={remove.error}
          >
            {data.name} is deleted. A template that a policy sends cannot be deleted: change the
            policy first.
          </ConfirmModal>
        </>
      )}
    </QueryBoundary>
  );
}
