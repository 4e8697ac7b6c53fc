// The payer view: escrow on chain, debits not yet settled, withdrawals requested.
import { getJson } from "./api.ts";

interface PayerJson {
  escrow: string;
  pendingDebits: string;
  pendingWithdrawal: string;
  withdrawalAvailableAt: string | null;
  available: string;
  nextSeq: string;
  settledHead: string;
}

function definitions(dl: HTMLElement, entries: [string, string][]): void {
  dl.replaceChildren(
    ...entries.flatMap(([k, v]) => {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      dd.dataset.field = k;
      return [dt, dd];
    }),
  );
}

export async function showPayer(dl: HTMLElement, address: string): Promise<void> {
  try {
    const p = await getJson<PayerJson>(`/v1/payers/${address}`);
    const at = p.withdrawalAvailableAt;
    definitions(dl, [
      ["escrow", p.escrow],
      ["pending debits", p.pendingDebits],
      [
        "pending withdrawal",
        p.pendingWithdrawal === "0"
          ? "none"
          : `${p.pendingWithdrawal}${at ? ` (from ${new Date(Number(at) * 1000).toISOString()})` : ""}`,
      ],
      ["available", p.available],
      ["events sent", String(BigInt(p.nextSeq) - 1n)],
    ]);
  } catch (e) {
    definitions(dl, [["error", (e as Error).message]]);
  }
}

export { definitions };
