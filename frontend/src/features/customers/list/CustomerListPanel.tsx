import {
  ActionIcon,
  Alert,
  Button,
  Chip,
  CloseButton,
  Group,
  Loader,
  NativeSelect,
  Skeleton,
  Stack,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { describeProblem } from "../../../lib/describe-problem";
import { useMe } from "../../../lib/me";
import { formatMoney } from "../../../lib/money";
import { problemOf } from "../../../lib/problem";
import type { Customer, CustomerSort } from "../api";
import { CustomerRow, optionId, type RowText } from "./CustomerRow";
import classes from "./CustomerList.module.css";
import { remembered, SORTS } from "./listState";
import { moveHighlight, type ListRow } from "./rows";
import { useCustomerCounts, useCustomerList } from "./useCustomerList";

export interface CustomerListPanelProps {
  /** The customer shown on the right, if any (from the URL). */
  selectedId: number | null;
}

const ROW_HEIGHT = 56;
const HEADER_HEIGHT = 32;
/** Wait this long after the last keystroke before searching. */
export const SEARCH_DEBOUNCE_MS = 180;
/** Fetch the next page when the last drawn row is this close to the end. */
const PREFETCH_ROWS = 40;
const LISTBOX_ID = "customer-listbox";

/**
 * The Customers list: search (results as you type), new-customer button, debtors filter, sort,
 * and the customers in two sections (active, then inactive), virtualised and paged by cursor.
 * ↑/↓ move the highlight (from the search box too), Enter opens the highlighted customer.
 */
export function CustomerListPanel({ selectedId }: CustomerListPanelProps) {
  const { t, i18n } = useTranslation("customers-list");
  const { data: me } = useMe();
  const navigate = useNavigate();
  const { tab } = useParams();

  const [q, setQ] = useState(remembered.q);
  const [owing, setOwing] = useState(remembered.owing);
  const [sort, setSort] = useState<CustomerSort>(remembered.sort);
  const [debouncedQ] = useDebouncedValue(q, SEARCH_DEBOUNCE_MS);
  const filters = { q: debouncedQ.trim(), owing };
  const signature = JSON.stringify([filters.q, owing, sort]);
  Object.assign(remembered, { q, owing, sort });

  const list = useCustomerList(filters, sort);
  const counts = useCustomerCounts(filters);
  const { rows } = list;

  // The highlight belongs to one search: a new search starts without one.
  const [highlight, setHighlight] = useState<{ signature: string; id: number } | null>(null);
  const highlightedId = highlight?.signature === signature ? highlight.id : null;

  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualiser is read each render, never memoised
  const virtualizer = useVirtualizer({
    count: rows.length + (list.hasMore ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (rows[index]?.kind === "header" ? HEADER_HEIGHT : ROW_HEIGHT),
    getItemKey: (index) => rows[index]?.key ?? "loading-more",
    overscan: 12,
    initialOffset: () => remembered.scrollOffset,
  });
  const items = virtualizer.getVirtualItems();

  // The next page as the end nears.
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (list.hasMore && lastIndex >= rows.length - PREFETCH_ROWS) list.fetchMore();
  });

  // A new search or filter starts at the top (not on coming back to the list).
  const shownSignature = useRef(signature);
  useEffect(() => {
    if (shownSignature.current !== signature && !list.isStale) {
      shownSignature.current = signature;
      virtualizer.scrollToOffset(0);
    }
  }, [signature, list.isStale, virtualizer]);

  // A customer opened by URL is scrolled into view once it is among the loaded rows.
  const revealed = useRef<number | null>(remembered.scrollOffset > 0 ? selectedId : null);
  useEffect(() => {
    if (selectedId === null || revealed.current === selectedId) return;
    const index = rows.findIndex((r) => r.kind === "customer" && r.customer.id === selectedId);
    if (index >= 0) {
      revealed.current = selectedId;
      virtualizer.scrollToIndex(index, { align: "auto" });
    }
  }, [rows, selectedId, virtualizer]);

  // For the speed measurement (frontend/perf): when a search's own results are drawn.
  useEffect(() => {
    if (list.isStale || list.isPending) return;
    const frame = requestAnimationFrame(() =>
      performance.mark("customers-list:results", { detail: { q: filters.q } }),
    );
    return () => cancelAnimationFrame(frame);
  }, [filters.q, list.isStale, list.isPending, rows]);

  const open = (customer: Customer) => {
    setHighlight({ signature, id: customer.id });
    void navigate(`/customers/${customer.id}/${tab ?? "details"}`);
  };

  const onListKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 }[event.key];
    if (step !== undefined) {
      event.preventDefault();
      const index = moveHighlight(rows, highlightedId ?? selectedId, step);
      const row = index === null ? undefined : rows[index];
      if (index !== null && row?.kind === "customer") {
        setHighlight({ signature, id: row.customer.id });
        virtualizer.scrollToIndex(index, { align: "auto" });
      }
    } else if (event.key === "Enter") {
      const row = rows.find((r) => r.kind === "customer" && r.customer.id === highlightedId);
      if (row?.kind === "customer") {
        event.preventDefault();
        open(row.customer);
      }
    }
  };

  const onSearchKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Escape" && q !== "") {
      event.preventDefault();
      setQ("");
      return;
    }
    onListKeyDown(event);
  };

  const numberFormat = useMemo(() => new Intl.NumberFormat(i18n.language), [i18n.language]);
  const number = (value: number) => numberFormat.format(value);
  const currency = me?.currency ?? "BRL";
  const rowText: RowText = useMemo(
    () => ({
      blocked: t("badge.blocked"),
      inactive: t("badge.inactive"),
      number: (n) => t("number", { number: n }),
      money: (value) => formatMoney(value, i18n.language, currency),
    }),
    [t, i18n.language, currency],
  );
  const setSize = counts.data ? counts.data.active + counts.data.inactive : -1;
  const positions = useMemo(() => {
    const map = new Map<number, number>();
    rows.forEach((row) => row.kind === "customer" && map.set(row.customer.id, map.size + 1));
    return map;
  }, [rows]);
  const activeDescendant = highlightedId === null ? undefined : optionId(highlightedId);
  const empty = list.isSettled && !list.hasMore && rows.length === 0 && !list.error;

  const renderRow = (row: ListRow | undefined, start: number, size: number, index: number) => {
    const style = {
      position: "absolute" as const,
      top: 0,
      left: 0,
      width: "100%",
      height: size,
      transform: `translateY(${start}px)`,
    };
    if (row === undefined) {
      return (
        <div key="loading-more" role="presentation" style={style} className={classes.row}>
          <Skeleton height={14} width="60%" aria-hidden />
        </div>
      );
    }
    if (row.kind === "header") {
      const count = counts.data?.[row.section];
      return (
        <div key={row.key} role="presentation" style={style} className={classes.header}>
          <span>{t(`section.${row.section}`)}</span>
          <span data-section-count={row.section}>{count === undefined ? "" : number(count)}</span>
        </div>
      );
    }
    const { customer } = row;
    return (
      <CustomerRow
        key={row.key}
        customer={customer}
        selected={customer.id === selectedId}
        highlighted={customer.id === highlightedId}
        position={positions.get(customer.id) ?? index}
        setSize={setSize}
        style={style}
        text={rowText}
        onOpen={open}
      />
    );
  };

  return (
    <div className={classes.panel}>
      <Stack gap="xs" className={classes.toolbar}>
        <Group justify="space-between" wrap="nowrap">
          <Title order={2} size="h4">
            {t("title")}
          </Title>
          <ActionIcon
            variant="filled"
            size="lg"
            aria-label={t("new")}
            title={t("new")}
            onClick={() => void navigate("/customers/new")}
          >
            <span aria-hidden style={{ fontSize: 22, lineHeight: 1 }}>
              +
            </span>
          </ActionIcon>
        </Group>
        <TextInput
          data-customer-search=""
          role="combobox"
          aria-label={t("search.label")}
          aria-expanded
          aria-controls={LISTBOX_ID}
          aria-autocomplete="list"
          aria-activedescendant={activeDescendant}
          placeholder={t("search.placeholder")}
          value={q}
          onChange={(event) => setQ(event.currentTarget.value)}
          onKeyDown={onSearchKeyDown}
          autoComplete="off"
          spellCheck={false}
          rightSection={
            list.isFetching && (list.isStale || list.isPending) ? (
              <Loader size={14} aria-label={t("loading")} />
            ) : q ? (
              <CloseButton size="sm" aria-label={t("search.clear")} onClick={() => setQ("")} />
            ) : null
          }
        />
        <Group justify="space-between" gap="xs" wrap="nowrap">
          <Chip
            size="xs"
            checked={owing}
            onChange={setOwing}
            color="red.8"
            variant="outline"
            data-owing-filter=""
          >
            {counts.data
              ? t("owing.withCount", { formatted: number(counts.data.owing) })
              : t("owing.label")}
          </Chip>
          <NativeSelect
            size="xs"
            aria-label={t("sort.label")}
            value={sort}
            onChange={(event) => setSort(event.currentTarget.value as CustomerSort)}
            data={SORTS.map((value) => ({ value, label: t(`sort.${value}`) }))}
          />
        </Group>
      </Stack>

      {list.error ? (
        <Alert color="red" m="md" title={t("error")} role="alert">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{describeProblem(problemOf(list.error), t)}</Text>
            <Button size="xs" variant="default" onClick={list.refetch}>
              {t("retry")}
            </Button>
          </Stack>
        </Alert>
      ) : null}

      {list.isPending ? (
        <Stack
          gap={0}
          className={classes.placeholder}
          aria-busy
          data-testid="customer-list-loading"
        >
          <VisuallyHidden aria-live="polite">{t("loading")}</VisuallyHidden>
          {Array.from({ length: 8 }, (_, i) => (
            <Group key={i} justify="space-between" h={ROW_HEIGHT} wrap="nowrap">
              <Stack gap={6} style={{ flex: 1 }}>
                <Skeleton height={12} width={`${50 + ((i * 17) % 40)}%`} />
                <Skeleton height={10} width="30%" />
              </Stack>
              <Skeleton height={12} width={70} />
            </Group>
          ))}
        </Stack>
      ) : empty ? (
        <Stack align="center" gap={4} p="xl" data-testid="customer-list-empty">
          <Text fw={600}>{t("empty.title")}</Text>
          <Text size="sm" c="gray.7" ta="center">
            {filters.q ? t("empty.withSearch", { q: filters.q }) : t("empty.hint")}
          </Text>
        </Stack>
      ) : null}

      <div
        ref={scrollRef}
        id={LISTBOX_ID}
        role="listbox"
        aria-label={t("listLabel")}
        aria-activedescendant={activeDescendant}
        aria-busy={list.isFetching}
        tabIndex={0}
        className={classes.listbox}
        hidden={list.isPending || empty}
        data-results-for={list.isStale ? undefined : filters.q}
        onKeyDown={onListKeyDown}
        onScroll={(event) => (remembered.scrollOffset = event.currentTarget.scrollTop)}
      >
        <div className={classes.sizer} style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => renderRow(rows[item.index], item.start, item.size, item.index))}
        </div>
      </div>
    </div>
  );
}
