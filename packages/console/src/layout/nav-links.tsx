import { NavLink, Stack } from '@mantine/core';
import {
  IconBolt,
  IconBuilding,
  IconGauge,
  IconMail,
  IconRoute,
  IconSettings,
  IconTemplate,
} from '@tabler/icons-react';
import { Link, useLocation } from 'react-router';

const links = [
  { to: '/', label: 'Dashboard', icon: IconGauge },
  { to: '/entities', label: 'Entities & contacts', icon: IconBuilding },
  { to: '/templates', label: 'Templates', icon: IconTemplate },
  { to: '/policies', label: 'Policies', icon: IconRoute },
  { to: '/events', label: 'Events', icon: IconBolt },
  { to: '/messages', label: 'Messages', icon: IconMail },
  { to: '/settings', label: 'Settings', icon: IconSettings },
];

function isActive(pathname: string, to: string): boolean {
  if (to === '/') return pathname === '/';
  return pathname === to || pathname.startsWith(`${to}/`);
}

/** `onNavigate` closes the navigation on a phone once a link is followed. */
export function NavLinks({ onNavigate }: { onNavigate: () => void }) {
  const { pathname } = useLocation();
  return (
    <Stack gap={2} component="nav">
      {links.map(({ to, label, icon: Icon }) => {
        const active = isActive(pathname, to);
        return (
          <NavLink
            key={to}
            component={Link}
            to={to}
            onClick={onNavigate}
            label={label}
            active={active}
            aria-current={active ? 'page' : undefined}
            leftSection={<Icon size={18} stroke={1.6} />}
            variant="light"
            style={{ borderRadius: 'var(--mantine-radius-md)' }}
          />
        );
      })}
    </Stack>
  );
}
