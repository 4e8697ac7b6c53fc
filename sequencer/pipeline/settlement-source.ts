import { buildBatch } from "../../core/batch.ts";
import type { CircuitParams } from "../../core/params.ts";
import { batchCalldata, proofCalldata } from "../../prover/calldata.ts";
import { batchRequestOf } from "../batch-request.ts";
import type { ChainView } from "../chain-state.ts";
import type { Metrics } from "../metrics.ts";
import type { SettlementSource } from "../settlement/submitter.ts";
import type { Store } from "../store/types.ts";

/** The submitter's view of the store: proven batches as settlement calls, settlements recorded. */
export function storeSettlementSource(
  store: Store,
  chain: ChainView,
  params: CircuitParams,
  metrics?: Metrics,
): SettlementSource {
  return {
    provenBatch(batchNumber) {
      const record = store.batch(Number(batchNumber));
      if (record?.status !== "proven" || !record.proof) return undefined;
      const built = buildBatch(batchRequestOf(store.batchEvents(record.number), chain, params));
      return {
        batchNumber,
        batch: batchCalldata(params, built),
        proof: proofCalldata(JSON.parse(record.proof)),
      };
    },
    markSettled(batchNumber, txHash, gasUsed) {
      const record = store.batch(Number(batchNumber));
      store.markSettled(Number(batchNumber), txHash, gasUsed);
      if (record?.provenAt)
        metrics?.settlementSeconds.observe((Date.now() - record.provenAt) / 1000);
    },
  };
}
