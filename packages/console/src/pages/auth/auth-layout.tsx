import { Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { BrandMark } from '../../layout/brand-mark';
import { ColorSchemeToggle } from '../../layout/color-scheme-toggle';

interface AuthLayoutProps {
  title: string;
  subtitle: ReactNode;
  children: ReactNode;
}

/** The frame of the sign-in and sign-up pages: one card in the middle of the screen. */
export function AuthLayout({ title, subtitle, children }: AuthLayoutProps) {
  return (
    <Box mih="100vh" bg="var(--mantine-color-body)">
      <Group justify="space-between" p="md">
        <BrandMark />
        <ColorSchemeToggle />
      </Group>
      <Center px="md" pb="xl" pt="5vh">
        <Stack w="100%" maw={420} gap="md">
          <Stack gap={4} ta="center">
            <Title order={1} size="h2">
              {title}
            </Title>
            <Text c="dimmed" size="sm">
              {subtitle}
            </Text>
          </Stack>
          <Paper component="main" withBorder shadow="sm" radius="md" p="xl">
            {children}
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
