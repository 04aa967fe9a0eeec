import { Select } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { useStores } from "../../lib/stores";

/** All stores, or one (the customers' home store). */
export function StoreFilter({
  value,
  onChange,
}: {
  value: number | null;
  onChange: (storeId: number | null) => void;
}) {
  const { t } = useTranslation("receivables");
  const { data: stores } = useStores();
  const data = [
    { value: "all", label: t("filters.allStores") },
    ...(stores ?? []).map((s) => ({ value: String(s.id), label: `${s.code} — ${s.name}` })),
  ];
  return (
    <Select
      label={t("filters.store")}
      data={data}
      value={value === null ? "all" : String(value)}
      onChange={(v) => onChange(!v || v === "all" ? null : Number(v))}
      allowDeselect={false}
      w={340}
    />
  );
}
