import { useTranslation } from "react-i18next";
import { Navigate, useParams } from "react-router";
import { Group, Panel, Separator } from "react-resizable-panels";
import { CustomerDetailPanel } from "./components/CustomerDetailPanel";
import { CustomerListPanel } from "./list/CustomerListPanel";
import { DETAIL_PANEL, LIST_PANEL, loadLayout, saveLayout } from "./layout";
import { isCustomerTab } from "./tabs";
import classes from "./CustomersPage.module.css";

/**
 * Customers master-detail: the list on the left, the selected customer on the right, a divider
 * between them (drag, or focus it and use the arrow keys; its position is remembered).
 * /customers shows the list alone with an empty detail; /customers/:customerId/:tab selects one.
 */
export function CustomersPage({ isNew = false }: { isNew?: boolean }) {
  const { t } = useTranslation("customers-list");
  const { customerId, tab } = useParams();
  const id = customerId === undefined ? null : Number(customerId);

  if (customerId !== undefined && (!Number.isInteger(id) || (id ?? 0) <= 0)) {
    return <Navigate to="/customers" replace />;
  }
  if (customerId !== undefined && !isCustomerTab(tab)) {
    return <Navigate to={`/customers/${customerId}/details`} replace />;
  }

  return (
    <Group
      className={classes.group}
      // The group sets `height: 100%` inline, which the shell's main area (no height of its
      // own) turns into the content's height: the viewport height below the header wins here.
      style={{ height: "calc(100dvh - var(--app-shell-header-offset, 56px))" }}
      orientation="horizontal"
      defaultLayout={loadLayout()}
      onLayoutChanged={saveLayout}
    >
      <Panel id={LIST_PANEL} minSize="15%" maxSize="70%" className={classes.panel}>
        <CustomerListPanel selectedId={id} />
      </Panel>
      <Separator className={classes.separator} aria-label={t("divider")} />
      <Panel id={DETAIL_PANEL} minSize="30%" className={classes.panel}>
        <CustomerDetailPanel
          customerId={id}
          tab={isCustomerTab(tab) ? tab : "details"}
          isNew={isNew}
        />
      </Panel>
    </Group>
  );
}
