import { Anchor, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconPlus, IconTemplate } from '@tabler/icons-react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/api';
import { useCursorList } from '../../api/use-cursor-list';
import { EmptyHint } from '../../components/empty-hint';
import { LoadMoreButton } from '../../components/load-more-button';
import { PageHeader } from '../../components/page-header';
import { QueryBoundary } from '../../components/query-boundary';
import { SearchInput } from '../../components/search-input';
import { TimeAgo } from '../../components/time-ago';

export function TemplatesPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const list = useCursorList(['templates', 'list', q], (cursor) =>
    api.templates.list({ q, cursor, limit: 50 }),
  );
  const newButton = (
    <Button component={Link} to="/templates/new" leftSection={<IconPlus size={16} />}>
      New template
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Templates"
        description="The emails policies send: a subject, a text body and an HTML body in Liquid."
        actions={newButton}
      />
      <Stack>
        <Group>
          <SearchInput
            value={q}
            onChange={(value) =>
              setParams(value.trim() ? { q: value.trim() } : {}, { replace: true })
            }
            label="Search templates"
            placeholder="Search by name or subject"
          />
        </Group>
        <QueryBoundary query={list} errorTitle="Could not load templates">
          {() =>
            list.items.length === 0 ? (
              <EmptyHint
                icon={<IconTemplate size={28} />}
                title={q ? `No template matches “${q}”` : 'No templates yet'}
                actions={q ? undefined : newButton}
              >
                {q
                  ? 'The search looks at names and subjects.'
                  : 'Write your first email: a subject such as ' +
                    '"Invoice #{{invoice_id}} is overdue" and a body. Then a policy can send it.'}
              </EmptyHint>
            ) : (
              <Paper withBorder radius="md" p="xs">
                <Table.ScrollContainer minWidth={560}>
                  <Table highlightOnHover verticalSpacing="sm">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Name</Table.Th>
                        <Table.Th>Subject</Table.Th>
                        <Table.Th>Updated</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {list.items.map((template) => (
                        <Table.Tr key={template.template_id}>
                          <Table.Td>
                            <Anchor
                              component={Link}
                              to={`/templates/${template.template_id}`}
                              fw={600}
                              size="sm"
                            >
                              {template.name}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" ff="monospace" lineClamp={1}>
                              {template.subject}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <TimeAgo iso={template.updated_at} size="sm" c="dimmed" />
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
      </Stack>
    </>
  );
}
