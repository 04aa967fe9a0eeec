import {
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { components } from "../../api/schema";
import { describeProblem } from "../../lib/describe-problem";
import { useCan, useMe } from "../../lib/me";
import { formatMoney } from "../../lib/money";
import { problemOf } from "../../lib/problem";
import {
  useLikelyDuplicates,
  useMergePreview,
  useMergeSearch,
  type Candidate,
  type MergeResult,
} from "./api";
import { MergeConfirmDialog } from "./MergeConfirmDialog";
import { MergePreviewTable } from "./MergePreviewTable";
import { movesText } from "./moves";

type Customer = components["schemas"]["CustomerOut"];

/**
 * Merge a duplicate into this customer (the survivor): find the duplicate, compare both side by
 * side with the counts of what moves, and confirm by typing the duplicate's number. Owner only:
 * the tab is hidden for others and the server refuses them (shown in words if it happens).
 */
export function MergeTab({ customer }: { customer: Customer }) {
  const { t } = useTranslation("merge");
  const can = useCan();
  const [typed, setTyped] = useState("");
  const [query, setQuery] = useState("");
  const [sourceId, setSourceId] = useState<number | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<{ result: MergeResult; source: string } | null>(null);
  const preview = useMergePreview(customer.id, sourceId);

  const owner = can("owner");

  return (
    <Stack gap="md" data-testid="merge-tab">
      <Text size="sm" maw={760}>
        {t("intro")}
      </Text>
      {!owner && (
        <Alert color="red" data-testid="merge-not-owner">
          {t("ownerOnly")}
        </Alert>
      )}
      {done && (
        <Alert
          color="green"
          title={t("done.title")}
          data-testid="merge-done"
          withCloseButton
          closeButtonLabel={t("common:close")}
          onClose={() => setDone(null)}
        >
          {t("done.body", {
            source: done.source,
            moves: movesText(t, done.result.moved),
          })}
        </Alert>
      )}

      <form
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(typed.trim());
          setSourceId(null);
        }}
      >
        <Group align="flex-end" gap="sm">
          <TextInput
            label={t("search.label")}
            placeholder={t("search.placeholder")}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            w={380}
            data-testid="merge-search"
          />
          <Button type="submit" variant="default">
            {t("search.button")}
          </Button>
        </Group>
      </form>

      {query ? (
        <SearchResults
          survivorId={customer.id}
          q={query}
          selected={sourceId}
          onSelect={setSourceId}
        />
      ) : (
        <LikelyDuplicates customer={customer} selected={sourceId} onSelect={setSourceId} />
      )}

      {sourceId !== null && (
        <Paper withBorder p="md" radius="md" data-testid="merge-preview">
          {preview.isPending ? (
            <Center p="md">
              <Loader size="sm" aria-label={t("common:loading")} />
            </Center>
          ) : preview.isError ? (
            <Alert color="red" data-testid="merge-preview-error">
              {describeProblem(problemOf(preview.error), t)}
            </Alert>
          ) : (
            <Stack gap="md">
              <MergePreviewTable preview={preview.data} />
              <Group justify="flex-end" gap="sm">
                <Button variant="default" onClick={() => setSourceId(null)}>
                  {t("preview.cancel")}
                </Button>
                <Button color="red" onClick={() => setConfirming(true)} data-testid="merge-start">
                  {t("preview.merge")}
                </Button>
              </Group>
            </Stack>
          )}
        </Paper>
      )}

      {preview.data && (
        <MergeConfirmDialog
          key={preview.data.source.id}
          opened={confirming}
          preview={preview.data}
          onClose={() => setConfirming(false)}
          onMerged={(result) => {
            const source = preview.data;
            setConfirming(false);
            setSourceId(null);
            setQuery("");
            setTyped("");
            setDone({
              result,
              source: `${source.source.number !== null ? `#${source.source.number} ` : ""}${source.source.name}`,
            });
          }}
        />
      )}
    </Stack>
  );
}

function LikelyDuplicates({
  customer,
  selected,
  onSelect,
}: {
  customer: Customer;
  selected: number | null;
  onSelect: (id: number) => void;
}) {
  const { t } = useTranslation("merge");
  const likely = useLikelyDuplicates(customer);
  if (likely.isPending) return <Loader size="sm" aria-label={t("common:loading")} />;
  if (likely.isError) {
    return <Alert color="red">{describeProblem(problemOf(likely.error), t)}</Alert>;
  }
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t("likely.title")}
      </Title>
      {likely.data.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t("likely.none")}
        </Text>
      ) : (
        <Candidates items={likely.data} selected={selected} onSelect={onSelect} />
      )}
    </Stack>
  );
}

function SearchResults({
  survivorId,
  q,
  selected,
  onSelect,
}: {
  survivorId: number;
  q: string;
  selected: number | null;
  onSelect: (id: number) => void;
}) {
  const { t } = useTranslation("merge");
  const found = useMergeSearch(survivorId, q);
  if (found.isPending) return <Loader size="sm" aria-label={t("common:loading")} />;
  if (found.isError) {
    return <Alert color="red">{describeProblem(problemOf(found.error), t)}</Alert>;
  }
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {t("search.results", { q })}
      </Title>
      {found.data.length === 0 ? (
        <Text size="sm" c="gray.7" data-testid="merge-no-results">
          {t("search.none")}
        </Text>
      ) : (
        <Candidates items={found.data} selected={selected} onSelect={onSelect} />
      )}
    </Stack>
  );
}

function Candidates({
  items,
  selected,
  onSelect,
}: {
  items: Candidate[];
  selected: number | null;
  onSelect: (id: number) => void;
}) {
  const { t, i18n } = useTranslation("merge");
  const { data: me } = useMe();
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table striped highlightOnHover verticalSpacing={6} data-testid="merge-candidates">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("columns.number")}</Table.Th>
            <Table.Th>{t("columns.name")}</Table.Th>
            <Table.Th>{t("columns.taxId")}</Table.Th>
            <Table.Th>{t("columns.phone")}</Table.Th>
            <Table.Th>{t("columns.city")}</Table.Th>
            <Table.Th ta="right">{t("columns.balance")}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t("columns.action")}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((c) => (
            <Table.Tr
              key={c.id}
              data-customer-id={c.id}
              bg={c.id === selected ? "blue.0" : undefined}
            >
              <Table.Td style={{ fontVariantNumeric: "tabular-nums" }}>{c.number ?? "—"}</Table.Td>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm">{c.name}</Text>
                  {c.blocked && (
                    <Badge color="red.9" variant="filled" size="xs">
                      {t("badges.blocked")}
                    </Badge>
                  )}
                  {!c.active && (
                    <Badge color="gray.8" variant="outline" size="xs">
                      {t("badges.inactive")}
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>{c.tax_id ?? "—"}</Table.Td>
              <Table.Td>{c.phone ?? "—"}</Table.Td>
              <Table.Td>{c.city ?? "—"}</Table.Td>
              <Table.Td
                ta="right"
                style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }}
              >
                {formatMoney(c.balance, i18n.language, me?.currency ?? "BRL")}
              </Table.Td>
              <Table.Td ta="right">
                <Button
                  size="compact-sm"
                  variant={c.id === selected ? "filled" : "light"}
                  onClick={() => onSelect(c.id)}
                  aria-label={t("select", { name: c.name })}
                >
                  {t("compare")}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
