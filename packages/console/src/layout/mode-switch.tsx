import { SegmentedControl } from '@mantine/core';
import type { Mode } from '../api/api-request';
import { useMode } from '../session/mode-provider';

/** Live or test data in every data view (events, runs, messages, timelines). */
export function ModeSwitch() {
  const { mode, setMode } = useMode();
  return (
    <SegmentedControl
      size="xs"
      value={mode}
      onChange={(value) => setMode(value as Mode)}
      color={mode === 'test' ? 'orange' : undefined}
      aria-label="Data mode"
      data={[
        { label: 'Live', value: 'live' },
        { label: 'Test', value: 'test' },
      ]}
    />
  );
}
