import { Button, Center } from '@mantine/core';

interface LoadMoreButtonProps {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  onLoadMore: () => void;
}

export function LoadMoreButton({
  hasNextPage,
  isFetchingNextPage,
  onLoadMore,
}: LoadMoreButtonProps) {
  if (!hasNextPage) return null;
  return (
    <Center mt="md">
      <Button variant="default" onClick={onLoadMore} loading={isFetchingNextPage}>
        Load more
      </Button>
    </Center>
  );
}
