import { Tabs } from '@mantine/core';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { PageHeader } from '../../components/page-header';

const tabs = [
  { value: 'email-provider', label: 'Email provider' },
  { value: 'api-keys', label: 'API keys' },
  { value: 'suppressions', label: 'Suppressions' },
  { value: 'members', label: 'Members' },
];

export function SettingsLayout() {
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const current = pathname.split('/')[2] ?? 'email-provider';

  return (
    <>
      <PageHeader
        title="Settings"
        description="How this account sends mail, and who and what may use it."
      />
      <Tabs value={current} onChange={(value) => value && navigate(`/settings/${value}`)} mb="lg">
        <Tabs.List>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Outlet />
    </>
  );
}
