import { useInfiniteQuery } from '@tanstack/react-query';
import type { Page } from './types';

/**
 * A list the API pages with `next_cursor`, loaded a page at a time: `items` holds every page
 * loaded so far, `loadMore` fetches the next.
 */
export function useCursorList<T>(
  queryKey: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  options: { enabled?: boolean; refetchInterval?: number | false } = {},
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.has_more ? (last.next_cursor ?? undefined) : undefined),
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchInterval ?? false,
  });
  const items = query.data?.pages.flatMap((page) => page.data) ?? [];
  return {
    ...query,
    items,
    loadMore: () => void query.fetchNextPage(),
  };
}
