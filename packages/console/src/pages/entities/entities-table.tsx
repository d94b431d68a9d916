import { Anchor, Badge, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import type { Entity } from '../../api/types';
import { TimeAgo } from '../../components/time-ago';

export function entityPath(entityId: string): string {
  return `/entities/${encodeURIComponent(entityId)}`;
}

export function EntitiesTable({ entities }: { entities: Entity[] }) {
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>External id</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Created</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entities.map((entity) => (
            <Table.Tr key={entity.entity_id}>
              <Table.Td>
                <Anchor component={Link} to={entityPath(entity.entity_id)} fw={600} size="sm">
                  {entity.name ?? entity.external_id}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {entity.external_id}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color="gray" radius="sm">
                  {entity.entity_type}
                </Badge>
              </Table.Td>
              <Table.Td>
                <TimeAgo iso={entity.created_at} size="sm" c="dimmed" />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
