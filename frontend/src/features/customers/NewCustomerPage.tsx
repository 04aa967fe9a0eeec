import { CustomersPage } from "./CustomersPage";

/** /customers/new: the list beside the new-customer form. */
export function NewCustomerPage() {
  return <CustomersPage isNew />;
}
