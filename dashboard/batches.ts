// The batch table: the newest batches, re-rendered from each poll of GET /v1/batches.
import { type BatchRow, cell, short } from "./api.ts";

export function renderBatches(tbody: HTMLTableSectionElement, batches: readonly BatchRow[]): void {
  const rows = batches.map((b) => {
    const tr = document.createElement("tr");
    tr.dataset.batch = String(b.number);
    tr.dataset.status = b.status;
    tr.append(
      cell(String(b.number)),
      cell(
        b.origin === "chain" ? `${b.status} (by another sequencer)` : b.status,
        `status-${b.status}`,
      ),
      cell(String(b.eventCount)),
      cell(b.proofSeconds === null ? "–" : b.proofSeconds.toFixed(1)),
      cell(b.gasUsed === null ? "–" : Number(b.gasUsed).toLocaleString("en")),
      cell(short(b.txHash), "hash"),
    );
    const tx = tr.lastElementChild as HTMLElement;
    if (b.txHash) tx.title = b.txHash;
    return tr;
  });
  tbody.replaceChildren(...rows);
}
