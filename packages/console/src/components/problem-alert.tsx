import { Alert, Button, Group, Text } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { describeError, isApiProblem } from '../api/api-problem';

interface ProblemAlertProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}

/** An API problem (or any error) as an alert: what went wrong, its code and request id. */
export function ProblemAlert({
  error,
  title = 'Something went wrong',
  onRetry,
}: ProblemAlertProps) {
  const problem = isApiProblem(error) ? error : null;
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title={title}>
      <Text size="sm">{describeError(error)}</Text>
      {problem && problem.errors.length > 0 && (
        <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
          {problem.errors.map((field) => (
            <li key={`${field.field}:${field.message}`}>
              <Text size="sm" span ff="monospace">
                {field.field}
              </Text>{' '}
              <Text size="sm" span>
                {field.message}
              </Text>
            </li>
          ))}
        </ul>
      )}
      <Group gap="xs" mt={problem?.requestId || onRetry ? 'xs' : 0} justify="space-between">
        {problem?.requestId ? (
          <Text size="xs" c="dimmed">
            {problem.code} · request {problem.requestId}
          </Text>
        ) : (
          <span />
        )}
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Group>
    </Alert>
  );
}
