import type { Purchase } from "./api";

/** The badge colour of a payment status: paid green, partial amber, unpaid red. */
export function paymentStatusColor(status: Purchase["payment_status"]): string {
  switch (status) {
    case "paid":
      return "green";
    case "partial":
      return "yellow";
    case "unpaid":
      return "red";
  }
}
