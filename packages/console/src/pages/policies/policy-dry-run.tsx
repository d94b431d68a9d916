import {
  Alert,
  Autocomplete,
  Button,
  Group,
  JsonInput,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlayerPlay } from '@tabler/icons-react';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/api';
import type { DryRunResult, Policy } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem } from '../../forms/apply-problem';
import { parseJsonObject, validators } from '../../forms/validators';
import { useMode } from '../../session/mode-provider';
import { DryRunSchedule } from './dry-run-schedule';

interface PolicyDryRunProps {
  policy: Policy;
  /** The editor holds changes not saved yet: the dry run uses the saved policy. */
  dirty: boolean;
}

/**
 * Posts a sample event with `?dry_run=true`: nothing is stored or sent, and the answer says
 * which policies would run, whom they would mail with what, and when.
 */
export function PolicyDryRun({ policy, dirty }: PolicyDryRunProps) {
  const { mode } = useMode();
  const [problem, setProblem] = useState<unknown>(null);
  const entities = useQuery({
    queryKey: ['entities', 'list', 'options'],
    queryFn: () => api.entities.list({ limit: 100 }),
  });
  const templates = useQuery({
    queryKey: ['templates', 'list', 'options'],
    queryFn: () => api.templates.list({ limit: 100 }),
  });
  const latest = useQuery({
    queryKey: ['events', 'latest', policy.event_type, mode],
    queryFn: () => api.events.list(mode, { event_type: policy.event_type, limit: 1 }),
  });
  const form = useForm({
    initialValues: { entity_id: '', data: '{}' },
    validate: {
      entity_id: (value) => (value.trim() ? null : 'Choose the entity the event is about'),
      data: validators.jsonObject,
    },
  });
  const dryRun = useMutation({
    mutationFn: (values: typeof form.values) =>
      api.events.dryRun(mode, {
        event_type: policy.event_type,
        entity_id: values.entity_id.trim(),
        data: parseJsonObject(values.data),
      }),
    onError: (error) =>
      setProblem(
        applyProblem(form, error, (field) =>
          field === 'entity_id' || field === 'data' ? field : null,
        ),
      ),
  });

  // The last real event of this type is the likeliest sample; the user edits from there.
  const sample = latest.data?.data[0];
  // biome-ignore lint/correctness/useExhaustiveDependencies: fill in once, before any edit
  useEffect(() => {
    if (!sample || form.isDirty()) return;
    const values = { entity_id: sample.entity_id, data: JSON.stringify(sample.data, null, 2) };
    form.setValues(values);
    form.resetDirty(values);
  }, [sample?.event_id]);

  const templateNames = new Map(templates.data?.data.map((t) => [t.template_id, t.name]) ?? []);
  const entityOptions = entities.data?.data.map((e) => e.entity_id) ?? [];

  return (
    <Paper withBorder radius="md" p="md">
      <Title order={3} size="h5">
        Dry run
      </Title>
      <Text size="xs" c="dimmed" mb="sm">
        A sample <code>{policy.event_type}</code> event in {mode} mode: nothing is stored or sent.
      </Text>
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          dryRun.mutate(values);
        })}
      >
        <Stack>
          {dirty && (
            <Alert color="yellow" variant="light" py="xs">
              Save the policy first: the dry run uses the saved version.
            </Alert>
          )}
          <Autocomplete
            label="Entity"
            placeholder="acct_123"
            data={entityOptions}
            required
            {...form.getInputProps('entity_id')}
          />
          <JsonInput
            label="Event data"
            placeholder='{"invoice_id": "INV-1042", "amount": 1200}'
            autosize
            minRows={3}
            maxRows={12}
            {...form.getInputProps('data')}
          />
          {problem ? <ProblemAlert error={problem} title="The dry run failed" /> : null}
          <Group justify="flex-end">
            <Button
              type="submit"
              variant="light"
              loading={dryRun.isPending}
              leftSection={<IconPlayerPlay size={16} />}
            >
              Dry run
            </Button>
          </Group>
        </Stack>
      </form>
      {dryRun.data && (
        <DryRunOutcome
          result={dryRun.data}
          policy={policy}
          templateName={(id) => templateNames.get(id) ?? id}
        />
      )}
    </Paper>
  );
}

interface DryRunOutcomeProps {
  result: DryRunResult;
  policy: Policy;
  templateName: (templateId: string) => string;
}

function DryRunOutcome({ result, policy, templateName }: DryRunOutcomeProps) {
  const mine = result.matched_policies.find((match) => match.policy_id === policy.policy_id);
  const others = result.matched_policies.filter((match) => match.policy_id !== policy.policy_id);

  return (
    <Stack mt="lg" gap="sm" aria-live="polite" data-testid="dry-run-result">
      <Title order={4} size="h6">
        What would happen
      </Title>
      {mine ? (
        <DryRunSchedule steps={mine.steps} templateName={templateName} />
      ) : (
        <Alert color="gray" variant="light">
          {policy.enabled
            ? 'This policy would not run: its conditions do not hold for this data.'
            : 'This policy would not run: it is disabled.'}
        </Alert>
      )}
      {others.length > 0 && (
        <Text size="sm" c="dimmed">
          Also started: {others.map((other) => other.name).join(', ')}.
        </Text>
      )}
      {result.runs_cancelled.length > 0 && (
        <Text size="sm" c="dimmed">
          Would cancel {result.runs_cancelled.length} active run
          {result.runs_cancelled.length === 1 ? '' : 's'} of this entity.
        </Text>
      )}
    </Stack>
  );
}
