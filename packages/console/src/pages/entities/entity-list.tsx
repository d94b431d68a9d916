import { Button, Paper } from '@mantine/core';
import { IconBuilding } from '@tabler/icons-react';
import { api } from '../../api/api';
import { useCursorList } from '../../api/use-cursor-list';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { QueryBoundary } from '../../components/query-boundary';
import { EntitiesTable } from './entities-table';

export function EntityList({ q, onCreate }: { q: string; onCreate: () => void }) {
  const list = useCursorList(['entities', 'list', q], (cursor) =>
    api.entities.list({ q, cursor, limit: 50 }),
  );
  return (
    <QueryBoundary query={list} errorTitle="Could not load entities">
      {() =>
        list.items.length === 0 ? (
          q ? (
            <EmptyHint icon={<IconBuilding size={28} />} title={`Nothing matches “${q}”`}>
              The search looks at external ids and names. Try part of one.
            </EmptyHint>
          ) : (
            <EmptyHint
              icon={<IconBuilding size={28} />}
              title="No entities yet"
              actions={<Button onClick={onCreate}>New entity</Button>}
            >
              Entities are your domain objects (accounts, invoices, projects). Register them here or
              with <code>POST /api/v1/entities</code>, then attach contacts with roles.
            </EmptyHint>
          )
        ) : (
          <Paper withBorder radius="md" p="xs">
            <EntitiesTable entities={list.items} />
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
