import { Code } from '@mantine/core';

/** A value as indented JSON, for event data and the like. */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  return (
    <Code block aria-label={label} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
      {JSON.stringify(value, null, 2)}
    </Code>
  );
}
