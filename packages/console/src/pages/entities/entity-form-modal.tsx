import { Button, Group, JsonInput, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/api';
import type { Entity } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem, onlyFields } from '../../forms/apply-problem';
import { parseJsonObject, validators } from '../../forms/validators';

interface EntityFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** The entity to edit; creates a new one when absent. */
  entity?: Entity;
  onSaved?: (entity: Entity) => void;
}

export function EntityFormModal({ opened, onClose, entity, onSaved }: EntityFormModalProps) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm({
    initialValues: {
      external_id: entity?.external_id ?? '',
      entity_type: entity?.entity_type ?? '',
      name: entity?.name ?? '',
      attributes: entity ? JSON.stringify(entity.attributes, null, 2) : '',
    },
    validate: {
      external_id: entity ? undefined : validators.externalId,
      entity_type: validators.entityType,
      attributes: validators.jsonObject,
    },
  });

  const save = useMutation({
    mutationFn: (values: typeof form.values) => {
      const body = {
        entity_type: values.entity_type.trim(),
        name: values.name.trim() || null,
        attributes: parseJsonObject(values.attributes),
      };
      return entity
        ? api.entities.update(entity.entity_id, body)
        : api.entities.create({ ...body, external_id: values.external_id.trim() });
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['entities'] });
      form.reset();
      onClose();
      onSaved?.(saved);
    },
    onError: (error) =>
      setProblem(
        applyProblem(
          form,
          error,
          (field) =>
            field === 'entity_id' ? 'external_id' : onlyFields(...Object.keys(form.values))(field),
          { entity_exists: 'external_id' },
        ),
      ),
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={entity ? `Edit ${entity.name ?? entity.external_id}` : 'New entity'}
      centered
      size="lg"
    >
      <form
        noValidate
        onSubmit={form.onSubmit((values) => {
          setProblem(null);
          save.mutate(values);
        })}
      >
        <Stack>
          <TextInput
            label="External id"
            description="Your own id for it, such as acct_123. It cannot change later."
            required={!entity}
            disabled={Boolean(entity)}
            data-autofocus
            {...form.getInputProps('external_id')}
          />
          <TextInput
            label="Type"
            description="What kind of object: account, invoice, project…"
            placeholder="account"
            required
            {...form.getInputProps('entity_type')}
          />
          <TextInput label="Name" placeholder="Acme Corp" {...form.getInputProps('name')} />
          <JsonInput
            label="Attributes"
            description="Optional JSON object, available to templates as {{entity.attributes.…}}"
            placeholder='{"plan": "pro"}'
            autosize
            minRows={3}
            {...form.getInputProps('attributes')}
          />
          {problem ? <ProblemAlert error={problem} title="Could not save the entity" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {entity ? 'Save' : 'Create entity'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
