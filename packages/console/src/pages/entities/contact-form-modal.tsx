import { Button, Group, JsonInput, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/api';
import type { Contact } from '../../api/types';
import { ProblemAlert } from '../../components/problem-alert';
import { applyProblem, onlyFields } from '../../forms/apply-problem';
import { parseJsonObject, validators } from '../../forms/validators';

interface ContactFormModalProps {
  opened: boolean;
  onClose: () => void;
  entityId: string;
  /** The contact to edit; creates a new one when absent. */
  contact?: Contact;
}

export function ContactFormModal({ opened, onClose, entityId, contact }: ContactFormModalProps) {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<unknown>(null);
  const form = useForm({
    initialValues: {
      role: contact?.role ?? '',
      email: contact?.email ?? '',
      name: contact?.name ?? '',
      attributes: contact ? JSON.stringify(contact.attributes, null, 2) : '',
    },
    validate: {
      role: validators.role,
      email: validators.email,
      attributes: validators.jsonObject,
    },
  });

  const save = useMutation({
    mutationFn: (values: typeof form.values) => {
      const body = {
        role: values.role.trim(),
        email: values.email.trim(),
        name: values.name.trim() || null,
        attributes: parseJsonObject(values.attributes),
      };
      return contact
        ? api.contacts.update(contact.contact_id, body)
        : api.contacts.create({ ...body, entity_id: entityId });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      form.reset();
      onClose();
    },
    onError: (error) =>
      setProblem(
        applyProblem(form, error, onlyFields('role', 'email', 'name', 'attributes'), {
          contact_exists: 'email',
        }),
      ),
  });

  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={contact ? `Edit ${contact.email}` : 'New contact'}
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
            label="Role"
            description="Policies send to roles, such as billing_contact or owner"
            placeholder="billing_contact"
            required
            data-autofocus
            {...form.getInputProps('role')}
          />
          <TextInput
            label="Email"
            type="email"
            placeholder="billing@acme.com"
            required
            {...form.getInputProps('email')}
          />
          <TextInput label="Name" placeholder="Jane Smith" {...form.getInputProps('name')} />
          <JsonInput
            label="Attributes"
            description="Optional JSON object, available to templates as {{contact.attributes.…}}"
            placeholder='{"locale": "en"}'
            autosize
            minRows={2}
            {...form.getInputProps('attributes')}
          />
          {problem ? <ProblemAlert error={problem} title="Could not save the contact" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {contact ? 'Save' : 'Add contact'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
