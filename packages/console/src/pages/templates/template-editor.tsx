import { Button, Grid, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api } from '../../api/api';
import type { FieldProblem } from '../../api/api-problem';
import type { Template } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem, onlyFields } from '../../forms/apply-problem';
import { LiquidEditor } from './liquid-editor';
import { sampleRequestFor } from './sample-request';
import { TemplatePreviewPanel } from './template-preview-panel';

const fields = ['name', 'subject', 'text_body', 'html_body'] as const;

export function TemplateEditor({ template }: { template?: Template }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm({
    initialValues: {
      name: template?.name ?? '',
      subject: template?.subject ?? '',
      text_body: template?.text_body ?? '',
      html_body: template?.html_body ?? '',
    },
    validate: {
      name: (value) => (value.trim() ? null : 'Name the template, such as "Invoice overdue"'),
      subject: (value) => (value.trim() ? null : 'A subject is required'),
      text_body: (value, values) =>
        value.trim() || values.html_body.trim() ? null : 'Write a text body, an HTML body, or both',
    },
  });

  const save = useMutation({
    mutationFn: (values: typeof form.values) => {
      const body = {
        name: values.name.trim(),
        subject: values.subject,
        text_body: values.text_body.trim() ? values.text_body : null,
        html_body: values.html_body.trim() ? values.html_body : null,
      };
      return template
        ? api.templates.update(template.template_id, body)
        : api.templates.create(body);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(['templates', 'one', saved.template_id], saved);
      void queryClient.invalidateQueries({ queryKey: ['templates', 'list'] });
      notifications.show({ color: 'teal', message: `Saved ${saved.name}` });
      if (!template) navigate(`/templates/${saved.template_id}`, { replace: true });
    },
    onError: (error) => setProblem(applyProblem(form, error, onlyFields(...fields))),
  });

  const submit = form.onSubmit((values) => {
    setProblem(null);
    save.mutate(values);
  });
  useHotkeys([['mod+S', () => submit()]], [], true);

  const showRenderErrors = (errors: FieldProblem[]) => {
    for (const error of errors) form.setFieldError(error.field, error.message);
  };

  const editorProps = (field: (typeof fields)[number]) => ({
    value: form.values[field],
    onChange: (value: string) => form.setFieldValue(field, value),
    error: form.errors[field] as string | undefined,
  });

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 7 }}>
        <Paper withBorder radius="md" p="md">
          <form onSubmit={submit} noValidate>
            <Stack>
              <TextInput label="Name" required {...form.getInputProps('name')} />
              <LiquidEditor label="Subject" required singleLine {...editorProps('subject')} />
              <LiquidEditor
                label="Text body"
                description="Plain text. Variables are not escaped."
                {...editorProps('text_body')}
              />
              <LiquidEditor
                label="HTML body"
                description="Variables are HTML-escaped; {{ x | raw }} is not."
                minHeight="180px"
                {...editorProps('html_body')}
              />
              <Text size="xs" c="dimmed">
                Variables: the event's data keys such as <code>{'{{invoice_id}}'}</code>, and{' '}
                <code>contact_name</code>, <code>contact_email</code>, <code>entity_name</code>,{' '}
                <code>entity_id</code>, <code>event_type</code>; objects <code>contact</code>,{' '}
                <code>entity</code>, <code>event</code>, <code>data</code> for nested values.
              </Text>
              {problem ? (
                <ProblemAlert error={problem} title="Could not save the template" />
              ) : null}
              <Group justify="flex-end">
                <Button
                  type="submit"
                  loading={save.isPending}
                  leftSection={<IconDeviceFloppy size={16} />}
                >
                  {template ? 'Save' : 'Create template'}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 5 }}>
        <TemplatePreviewPanel
          templateId={template?.template_id ?? null}
          version={template?.updated_at ?? null}
          dirty={Boolean(template) && form.isDirty()}
          initialSample={sampleRequestFor(template ?? {})}
          onTemplateErrors={showRenderErrors}
        />
      </Grid.Col>
    </Grid>
  );
}
