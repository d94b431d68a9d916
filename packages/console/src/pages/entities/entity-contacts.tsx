import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Paper,
  Stack,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { IconPencil, IconPlus, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api/api';
import type { Contact } from '../../api/types';
import { ConfirmModal } from '../../components/confirm-modal';
import { QueryBoundary } from '../../components/query-boundary';
import { ContactFormModal } from './contact-form-modal';

type Editing = { contact?: Contact } | null;

export function EntityContacts({ entityId }: { entityId: string }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Contact | null>(null);
  const contacts = useQuery({
    queryKey: ['contacts', 'of', entityId],
    queryFn: () => api.contacts.list({ entity_id: entityId, limit: 100 }),
  });
  const remove = useMutation({
    mutationFn: (contact: Contact) => api.contacts.remove(contact.contact_id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
      setDeleting(null);
    },
  });

  return (
    <Paper withBorder radius="md" p="md">
      <Group justify="space-between" mb="sm">
        <Title order={3} size="h5">
          Contacts
        </Title>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconPlus size={14} />}
          onClick={() => setEditing({})}
        >
          Add contact
        </Button>
      </Group>
      <QueryBoundary query={contacts} errorTitle="Could not load contacts">
        {(page) =>
          page.data.length === 0 ? (
            <Text size="sm" c="dimmed">
              No contacts yet. Add the people who should get mail about this entity, each with a
              role that policies send to (such as billing_contact).
            </Text>
          ) : (
            <Stack gap="xs">
              {page.data.map((contact) => (
                <Group key={contact.contact_id} justify="space-between" wrap="nowrap">
                  <div style={{ minWidth: 0 }}>
                    <Group gap={6} wrap="nowrap">
                      <Text size="sm" fw={600} truncate>
                        {contact.name ?? contact.email}
                      </Text>
                      <Badge size="sm" variant="light" radius="sm">
                        {contact.role}
                      </Badge>
                    </Group>
                    {contact.name && (
                      <Text size="xs" c="dimmed" truncate>
                        {contact.email}
                      </Text>
                    )}
                  </div>
                  <Group gap={4} wrap="nowrap">
                    <Tooltip label="Edit contact">
                      <ActionIcon
                        variant="subtle"
                        color="gray"
                        aria-label={`Edit ${contact.email} (${contact.role})`}
                        onClick={() => setEditing({ contact })}
                      >
                        <IconPencil size={16} />
                      </ActionIcon>
                    </Tooltip>
                    <Tooltip label="Delete contact">
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        aria-label={`Delete ${contact.email} (${contact.role})`}
                        onClick={() => setDeleting(contact)}
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Tooltip>
                  </Group>
                </Group>
              ))}
            </Stack>
          )
        }
      </QueryBoundary>
      <ContactFormModal
        key={editing?.contact?.updated_at ?? 'new'}
        opened={editing !== null}
        onClose={() => setEditing(null)}
        entityId={entityId}
        contact={editing?.contact}
      />
      <ConfirmModal
        opened={deleting !== null}
        title="Delete this contact?"
        confirmLabel="Delete contact"
        onConfirm={() => deleting && remove.mutate(deleting)}
        onClose={() => {
          remove.reset();
          setDeleting(null);
        }}
        loading={remove.isPending}
        error={remove.error}
      >
        {deleting?.email} will no longer receive mail as {deleting?.role}. Messages already sent
        stay in the history.
      </ConfirmModal>
    </Paper>
  );
}
