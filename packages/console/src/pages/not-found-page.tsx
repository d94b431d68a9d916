import { Button } from '@mantine/core';
import { IconMapOff } from '@tabler/icons-react';
import { Link } from 'react-router';
import { EmptyHint } from '../components/empty-hint';

export function NotFoundPage() {
  return (
    <EmptyHint
      icon={<IconMapOff size={28} />}
      title="Page not found"
      actions={
        <Button component={Link} to="/">
          Go to the dashboard
        </Button>
      }
    >
      There is nothing at this address. Use the navigation on the left to find your way.
    </EmptyHint>
  );
}
