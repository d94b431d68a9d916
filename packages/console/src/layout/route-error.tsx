import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';

/** What a page that crashed or does not exist shows instead of a blank screen. */
export function RouteError() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Center h="100vh" p="md">
      <Stack align="center" gap="sm" maw={480}>
        <Title order={2}>{notFound ? 'Page not found' : 'This page failed to load'}</Title>
        <Text c="dimmed" ta="center">
          {notFound
            ? 'There is nothing at this address.'
            : error instanceof Error
              ? error.message
              : 'An unexpected error happened. Reload the page, or go back to the dashboard.'}
        </Text>
        <Button component={Link} to="/">
          Go to the dashboard
        </Button>
      </Stack>
    </Center>
  );
}
