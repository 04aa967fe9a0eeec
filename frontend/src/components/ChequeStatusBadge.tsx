import { Badge, Tooltip } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { chequeStatusDate, type Cheque, type ChequeStatus } from "../lib/cheque-lifecycle";
import { formatDate } from "../lib/dates";

/** Filled shades dark enough for white text at 4.5:1; the word, not the colour, is the cue. */
const COLOUR: Record<ChequeStatus, string> = {
  held: "gray.7",
  deposited: "blue.8",
  cleared: "green.9",
  returned: "red.9",
};

/**
 * A cheque's status as a coloured badge; hovering or focusing it tells the step's date
 * ("deposited on 04/12/2026"). The words live in the cheques catalog.
 */
export function ChequeStatusBadge({ cheque }: { cheque: Cheque }) {
  const { t, i18n } = useTranslation("cheques");
  const date = formatDate(chequeStatusDate(cheque), i18n.language);
  const when = t(`statusOn.${cheque.status}`, { date });
  return (
    <Tooltip label={when} withArrow>
      <Badge
        color={COLOUR[cheque.status]}
        variant="filled"
        size="sm"
        radius="sm"
        tabIndex={0}
        aria-label={`${t(`status.${cheque.status}`)}, ${when}`}
        data-testid="cheque-status"
        data-status={cheque.status}
        // The word is the cue: never cut to "Em cai…" by a narrow column.
        styles={{ root: { textTransform: "none", flexShrink: 0 }, label: { overflow: "visible" } }}
      >
        {t(`status.${cheque.status}`)}
      </Badge>
    </Tooltip>
  );
}
