import { Anchor, Badge, Paper, Table, Text } from '@mantine/core';
import { IconAddressBook } from '@tabler/icons-react';
import { Link } from 'react-router';
import { api } from '../../api/api';
import { useCursorList } from '../../api/use-cursor-list';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { QueryBoundary } from '../../components/query-boundary';
import { entityPath } from './entities-table';

/** Every contact of the account, searchable by email, name and entity id. */
export function ContactList({ q }: { q: string }) {
  const list = useCursorList(['contacts', 'list', q], (cursor) =>
    api.contacts.list({ q, cursor, limit: 50 }),
  );
  return (
    <QueryBoundary query={list} errorTitle="Could not load contacts">
      {() =>
        list.items.length === 0 ? (
          <EmptyHint
            icon={<IconAddressBook size={28} />}
            title={q ? `No contact matches “${q}”` : 'No contacts yet'}
          >
            {q
              ? 'The search looks at emails, names and entity ids.'
              : 'Contacts belong to an entity. Open an entity and add its people with their roles.'}
          </EmptyHint>
        ) : (
          <Paper withBorder radius="md" p="xs">
            <Table.ScrollContainer minWidth={560}>
              <Table highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Entity</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.items.map((contact) => (
                    <Table.Tr key={contact.contact_id}>
                      <Table.Td>
                        <Text size="sm">{contact.email}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{contact.name ?? '—'}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" radius="sm">
                          {contact.role}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Anchor
                          component={Link}
                          to={entityPath(contact.entity_id)}
                          size="sm"
                          ff="monospace"
                        >
                          {contact.entity_id}
                        </Anchor>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <LoadMoreButton
              hasNextPage={list.hasNextPage}
              isFetchingNextPage={list.isFetchingNextPage}
              onLoadMore={list.loadMore}
            />
          </Paper>
        )
      }
    </QueryBoundary>
  );
}
