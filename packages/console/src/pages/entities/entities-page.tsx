import { Button, Group, Stack, Tabs } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useNavigate, useSearchParams } from 'react-router';
import { PageHeader } from '../../components/page-header';
import { SearchInput } from '../../components/search-input';
import { ContactList } from './contact-list';
import { entityPath } from './entities-table';
import { EntityFormModal } from './entity-form-modal';
import { EntityList } from './entity-list';

export function EntitiesPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const [creating, { open, close }] = useDisclosure();
  const q = params.get('q') ?? '';
  const tab = params.get('tab') === 'contacts' ? 'contacts' : 'entities';

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Entities & contacts"
        description="Your domain objects, and the people attached to them with a role."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={open}>
            New entity
          </Button>
        }
      />
      <Tabs value={tab} onChange={(value) => update({ tab: value === 'contacts' ? value : '' })}>
        <Tabs.List mb="md">
          <Tabs.Tab value="entities">Entities</Tabs.Tab>
          <Tabs.Tab value="contacts">Contacts</Tabs.Tab>
        </Tabs.List>
        <Stack>
          <Group>
            <SearchInput
              value={q}
              onChange={(value) => update({ q: value.trim() })}
              label={tab === 'contacts' ? 'Search contacts' : 'Search entities'}
              placeholder={
                tab === 'contacts' ? 'Search by email, name or entity id' : 'Search by id or name'
              }
            />
          </Group>
          {tab === 'entities' ? <EntityList q={q} onCreate={open} /> : <ContactList q={q} />}
        </Stack>
      </Tabs>
      <EntityFormModal
        opened={creating}
        onClose={close}
        onSaved={(entity) => navigate(entityPath(entity.entity_id))}
      />
    </>
  );
}
