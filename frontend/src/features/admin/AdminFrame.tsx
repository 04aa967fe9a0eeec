import { Group, Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";

/** The frame of each administration page: title, a line saying what it is for, its actions. */
export function AdminFrame({
  title,
  description,
  actions,
  children,
}: {
  title: string;
  description: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Stack p="md" gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2} size="h3">
            {title}
          </Title>
          <Text size="sm" c="gray.7">
            {description}
          </Text>
        </div>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}

/** Field hints in a darker grey than Mantine's dimmed one, which fails the contrast check. */
export const readableHint = { description: { color: "var(--mantine-color-gray-7)" } };
