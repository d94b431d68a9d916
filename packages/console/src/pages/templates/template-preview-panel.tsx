import { Alert, Badge, Group, JsonInput, Paper, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconEye } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/api';
import { type FieldProblem, isApiProblem } from '../../api/api-problem';
import { EmailFrame } from '../../components/email-frame';
import { EmptyHint } from '../../components/empty-hint';
import { ProblemAlert } from '../../components/problem-alert';
import { LoadingRows } from '../../components/query-boundary';
import { validators } from '../../forms/validators';

interface TemplatePreviewPanelProps {
  templateId: string | null;
  /** The saved version: a new one renders the preview again. */
  version: string | null;
  /** Edits not saved yet, which the preview cannot show. */
  dirty: boolean;
  initialSample: string;
  /** Render errors of the template's own fields, to show at the field. */
  onTemplateErrors: (errors: FieldProblem[]) => void;
}

const templateFields = new Set(['subject', 'text_body', 'html_body']);

/**
 * The saved template rendered by the API with editable sample data: subject, HTML in a
 * sandboxed frame, and text. Re-renders as the sample changes and after every save.
 */
export function TemplatePreviewPanel(props: TemplatePreviewPanelProps) {
  const { templateId, version, dirty, initialSample, onTemplateErrors } = props;
  const [sample, setSample] = useState(initialSample);
  const [debounced] = useDebouncedValue(sample, 400);
  const sampleError = validators.jsonObject(debounced);

  const preview = useQuery({
    queryKey: ['template-preview', templateId, version, debounced],
    queryFn: () => api.templates.preview(templateId ?? '', JSON.parse(debounced || '{}')),
    enabled: Boolean(templateId) && !sampleError,
    retry: false,
    placeholderData: (previous) => previous,
  });

  const problem = preview.error;
  const fieldErrors = isApiProblem(problem) ? problem.errors : [];
  const ownErrors = fieldErrors.filter((error) => templateFields.has(error.field));
  // biome-ignore lint/correctness/useExhaustiveDependencies: report each new answer once
  useEffect(() => onTemplateErrors(ownErrors), [problem]);

  if (!templateId) {
    return (
      <EmptyHint icon={<IconEye size={28} />} title="Preview">
        Save the template once to preview it here with sample data.
      </EmptyHint>
    );
  }

  const sampleProblem = fieldErrors.find((error) => !templateFields.has(error.field));
  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          Preview
        </Title>
        {preview.isFetching ? <Badge variant="light">Rendering…</Badge> : null}
      </Group>
      <Stack>
        {dirty && (
          <Alert color="yellow" variant="light" py="xs">
            The preview shows the saved template. Save (Ctrl+S) to see your changes.
          </Alert>
        )}
        <JsonInput
          label="Sample data"
          description="The event's data, and the contact and entity to render for"
          value={sample}
          onChange={setSample}
          autosize
          minRows={4}
          maxRows={14}
          error={sampleError ?? sampleProblem?.message}
        />
        {problem && ownErrors.length > 0 ? (
          <ProblemAlert error={problem} title="The template does not render" />
        ) : problem && !sampleProblem ? (
          <ProblemAlert error={problem} title="Preview failed" />
        ) : null}
        {preview.isPending && !preview.data ? <LoadingRows rows={3} /> : null}
        {preview.data && (
          <>
            <div>
              <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
                Subject
              </Text>
              <Text fw={600} data-testid="preview-subject">
                {preview.data.subject}
              </Text>
            </div>
            <Tabs defaultValue={preview.data.html_body !== null ? 'html' : 'text'}>
              <Tabs.List>
                <Tabs.Tab value="html" disabled={preview.data.html_body === null}>
                  HTML
                </Tabs.Tab>
                <Tabs.Tab value="text" disabled={preview.data.text_body === null}>
                  Text
                </Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="html" pt="sm">
                <EmailFrame html={preview.data.html_body ?? ''} title="HTML preview" height={360} />
              </Tabs.Panel>
              <Tabs.Panel value="text" pt="sm">
                <Text
                  component="pre"
                  size="sm"
                  style={{ whiteSpace: 'pre-wrap', margin: 0 }}
                  data-testid="preview-text"
                >
                  {preview.data.text_body}
                </Text>
              </Tabs.Panel>
            </Tabs>
          </>
        )}
      </Stack>
    </Paper>
  );
}
