import type { Purchase } from "./api";

/**
 * How a payment status is drawn: paid green, partial amber, unpaid red, as a light badge whose
 * text is dark enough for AA contrast on the tint (Mantine's light badges in green and yellow
 * are not).
 */
export function paymentStatusLook(status: Purchase["payment_status"]): {
  color: string;
  text: string;
} {
  switch (status) {
    case "paid":
      return { color: "green", text: "#1b6e2f" };
    case "partial":
      return { color: "yellow", text: "#7a4a00" };
    case "unpaid":
      return { color: "red", text: "var(--mantine-color-red-9)" };
  }
}
