import { Group, Text, ThemeIcon, UnstyledButton } from '@mantine/core';
import { IconMailFast } from '@tabler/icons-react';
import { Link } from 'react-router';

export function BrandMark() {
  return (
    <UnstyledButton component={Link} to="/" aria-label="Emivoy dashboard">
      <Group gap={8} wrap="nowrap">
        <ThemeIcon size={30} radius="md" variant="filled">
          <IconMailFast size={20} />
        </ThemeIcon>
        <Text fw={700} size="lg" visibleFrom="xs">
          Emivoy
        </Text>
      </Group>
    </UnstyledButton>
  );
}
