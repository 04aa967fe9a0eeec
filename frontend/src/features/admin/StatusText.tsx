import { Text } from "@mantine/core";

/** Active / inactive / revoked as coloured words (a light badge failed the contrast check). */
export function StatusText({ active, label }: { active: boolean; label: string }) {
  return (
    <Text span size="sm" fw={600} c={active ? "teal.9" : "gray.7"} style={{ whiteSpace: "nowrap" }}>
      <span aria-hidden>{active ? "● " : "○ "}</span>
      {label}
    </Text>
  );
}
