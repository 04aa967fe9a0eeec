import { useState } from "react";
import { problemOf, type ApiProblem } from "../../../lib/problem";
import { onlyDigits, taxIdProblem } from "../../../lib/tax-id";
import { fetchIssuer, type ChequeIssuer } from "../api";

export type AutofillOutcome = "filled" | "unknown" | "invalid" | null;

/**
 * Auto-fill: the issuer's name, bank, branch and account from the latest cheque recorded with
 * this CPF/CNPJ (GET /cheque-issuers/{digits}). The cheque number and the date are this
 * cheque's own and are never filled.
 */
export function useIssuerAutofill() {
  const [loading, setLoading] = useState(false);
  const [outcome, setOutcome] = useState<AutofillOutcome>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const lookUp = async (taxId: string): Promise<ChequeIssuer | null> => {
    setProblem(null);
    if (taxIdProblem(taxId) !== null || onlyDigits(taxId) === "") {
      setOutcome("invalid");
      return null;
    }
    setLoading(true);
    try {
      const issuer = await fetchIssuer(onlyDigits(taxId));
      setOutcome(issuer ? "filled" : "unknown");
      return issuer;
    } catch (error) {
      setOutcome(null);
      setProblem(problemOf(error));
      return null;
    } finally {
      setLoading(false);
    }
  };

  return { lookUp, loading, outcome, problem, reset: () => setOutcome(null) };
}
