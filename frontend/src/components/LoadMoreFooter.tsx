import { Button, Group, Text } from "@mantine/core";

/** What the footer needs of an infinite query (TanStack Query's `useInfiniteQuery` result). */
interface Pages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/** Under a paged table: "Load more" while there is a next page, then how many rows are shown. */
export function LoadMoreFooter({
  pages,
  loadMore,
  shown,
  testId,
}: {
  pages: Pages;
  loadMore: string;
  /** "20 payments shown", or null before any row. */
  shown: string | null;
  testId: string;
}) {
  return (
    <>
      {pages.hasNextPage && (
        <Group justify="center">
          <Button
            variant="default"
            loading={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
          >
            {loadMore}
          </Button>
        </Group>
      )}
      {shown !== null && (
        <Text size="xs" c="gray.7" ta="center" data-testid={testId}>
          {shown}
        </Text>
      )}
    </>
  );
}
