import type { FastifyInstance } from "fastify";
import { RoyaltyError } from "../../core/errors.ts";
import { ADDRESS_RE, bigIntToAddress } from "../../core/field.ts";
import { toJsonValue } from "../../core/json.ts";
import { lineageOf } from "../../core/lineage.ts";
import type { CircuitParams } from "../../core/params.ts";
import type { Split } from "../../core/split.ts";
import { splitOfView } from "../batch-request.ts";
import type { ChainWatcher } from "../chain/watcher.ts";
import type { ChainView } from "../chain-state.ts";
import type { HealthMonitor } from "../health.ts";
import type { Metrics } from "../metrics.ts";
import type { Store } from "../store/types.ts";
import { DECIMAL_RE, requireParam } from "./events.ts";
import {
  deploymentSchema,
  getAccountSchema,
  getAssetSchema,
  getBatchSchema,
  getPayerSchema,
  healthSchema,
  listBatchesSchema,
} from "./schemas.ts";

const addressParam = (value: string) =>
  requireParam("address", value, ADDRESS_RE, "must be a 0x address");

/** What the sequencer tells clients about its rollup (GET /v1/deployment). */
export interface PublicDeployment {
  chainId: number;
  rollup: string;
  deployBlock: string;
  /** a JSON-RPC URL of the chain that browsers can reach, if the operator gave one */
  rpc?: string;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function stateRoutes(
  app: FastifyInstance,
  deps: {
    store: Store;
    chain: ChainView;
    metrics: Metrics;
    watcher?: ChainWatcher;
    health: HealthMonitor;
    params: CircuitParams;
    deployment?: PublicDeployment;
  },
): void {
  const { store, chain, metrics, watcher, health, params } = deps;
  // The block the view is at: a client that just sent a transaction waits until it is past it.
  const block = () => (watcher ? String(watcher.nextBlock - 1n) : null);
  const splitOf = (split: Split, splitHash: bigint) => ({
    splitHash,
    recipients: split.recipients.map((id) => {
      const at = chain.addressOf(id);
      return { accountId: id, address: at === undefined ? null : bigIntToAddress(at) };
    }),
    bps: split.bps,
    parent: split.parent ?? null,
  });
  /** What one event of an asset takes in a batch: core's lineage under the view's splits. */
  const lineageCost = (assetId: bigint) => {
    try {
      const assetIds = lineageOf(assetId, splitOfView(chain), params.D);
      const recipientIds = new Set(
        assetIds.flatMap((id) => chain.asset(id)?.split.recipients ?? []),
      );
      return { slots: assetIds.length, assetIds, recipientIds: [...recipientIds] };
    } catch {
      return null;
    }
  };

  app.get<{ Params: { address: string } }>(
    "/v1/payers/:address",
    { schema: getPayerSchema },
    async (req) => {
      const address = addressParam(req.params.address);
      const onChain = chain.payer(BigInt(address));
      const local = store.payerState(address.toLowerCase());
      if (!onChain && !local) throw new RoyaltyError("NOT_FOUND", `payer ${address} is unknown`);
      const escrow = onChain?.escrow ?? 0n;
      const pendingWithdrawal = onChain?.pendingWithdrawal ?? 0n;
      const pendingDebits = local?.pendingDebits ?? 0n;
      return toJsonValue({
        payer: address.toLowerCase(),
        escrow,
        pendingWithdrawal,
        withdrawalAvailableAt:
          pendingWithdrawal > 0n ? (onChain?.withdrawalAvailableAt ?? null) : null,
        pendingDebits,
        available: escrow - pendingWithdrawal - pendingDebits,
        nextSeq: local?.nextSeq ?? 1n,
        head: local?.head ?? onChain?.head ?? 0n,
        settledHead: onChain?.head ?? 0n,
        block: block(),
      });
    },
  );

  app.get<{ Params: { id: string } }>("/v1/assets/:id", { schema: getAssetSchema }, async (req) => {
    const assetId = BigInt(
      requireParam("id", req.params.id, DECIMAL_RE, "must be a decimal string"),
    );
    const asset = chain.asset(assetId);
    if (!asset) {
      throw new RoyaltyError(
        "NOT_FOUND",
        `asset ${assetId} is not registered as of block ${block() ?? "unknown"}`,
      );
    }
    const pending = asset.pendingSplit;
    return toJsonValue({
      assetId,
      ...splitOf(asset.split, asset.splitHash),
      pending: pending
        ? { ...splitOf(pending.split, pending.splitHash), effectiveAt: pending.effectiveAt }
        : null,
      level: asset.level ?? null,
      lineage: lineageCost(assetId),
      block: block(),
    });
  });

  app.get<{ Params: { address: string } }>(
    "/v1/accounts/:address",
    { schema: getAccountSchema },
    async (req) => {
      const address = addressParam(req.params.address);
      const id = chain.accountId(BigInt(address));
      let pending = 0n;
      if (id !== undefined) {
        for (const b of store.unsettledBatches()) {
          const pd = b.content?.publicData;
          if (!pd) continue;
          (pd.recipientIds as string[]).forEach((rid, slot) => {
            if (BigInt(rid) === id) pending += BigInt((pd.credits as string[])[slot] ?? "0");
          });
        }
      }
      return toJsonValue({
        address: address.toLowerCase(),
        accountId: id ?? null,
        claimable: chain.claimable(BigInt(address)),
        pendingCredits: pending,
      });
    },
  );

  app.get<{ Params: { n: string } }>("/v1/batches/:n", { schema: getBatchSchema }, async (req) => {
    const n = Number(requireParam("n", req.params.n, DECIMAL_RE, "must be a decimal string"));
    const batch = store.batch(n);
    if (!batch) throw new RoyaltyError("NOT_FOUND", `no batch ${n}`);
    return toJsonValue({
      number: batch.number,
      status: batch.status,
      origin: batch.origin,
      eventsRoot: batch.eventsRoot,
      events: store.batchEvents(n).map((e) => ({
        payer: e.payer,
        seq: e.seq,
        assetId: e.assetId,
        amount: e.amount,
        ref: e.ref,
        prevHead: e.prevHead,
        eventHash: e.eventHash,
        leafIndex: e.leafIndex,
      })),
      publicData: batch.content?.publicData ?? null,
      // The settleBatch arguments: with the proof, anyone can settle the batch (docs/protocol.md §14: forced
      // settlement once the operator has been silent for the contract's delay).
      calldata: batch.content?.calldata ?? null,
      proof: batch.proof === null ? null : JSON.parse(batch.proof),
      txHash: batch.txHash,
      gasUsed: batch.gasUsed,
    });
  });

  app.get<{ Querystring: { limit?: string; before?: string } }>(
    "/v1/batches",
    { schema: listBatchesSchema },
    async (req) => {
      const { limit: l, before: b } = req.query;
      const limit =
        l === undefined ? 50 : Number(requireParam("limit", l, DECIMAL_RE, "must be a number"));
      if (limit < 1 || limit > 500) {
        throw new RoyaltyError("INVALID_REQUEST", "limit: must be 1 to 500", {
          details: { field: "limit" },
        });
      }
      const before =
        b === undefined
          ? undefined
          : Number(requireParam("before", b, DECIMAL_RE, "must be a batch number"));
      return {
        lastBatch: store.lastBatchNumber(),
        batches: store.recentBatches(limit, before).map((x) => ({
          number: x.number,
          status: x.status,
          origin: x.origin,
          eventCount: x.eventCount,
          createdAt: isoOrNull(x.origin === "chain" ? null : x.createdAt),
          provenAt: isoOrNull(x.provenAt),
          settledAt: isoOrNull(x.settledAt),
          proofSeconds:
            x.provenAt === null || x.origin === "chain" ? null : (x.provenAt - x.createdAt) / 1000,
          txHash: x.txHash,
          gasUsed: x.gasUsed,
        })),
      };
    },
  );

  app.get("/v1/deployment", { schema: deploymentSchema }, async () => ({
    chainId: deps.deployment?.chainId ?? null,
    rollup: deps.deployment?.rollup ?? null,
    deployBlock: deps.deployment?.deployBlock ?? null,
    params: deps.params,
    rpc: deps.deployment?.rpc ?? null,
  }));

  app.get("/v1/health", { schema: healthSchema }, async () => ({
    ...(await health.check()),
    lastBatch: store.lastBatchNumber(),
    settledBatches: String(chain.settledBatches),
    queues: store.queueDepths(),
    ...(watcher
      ? {
          chain: {
            nextBlock: String(watcher.nextBlock),
            lag: String(watcher.lag),
            error: watcher.error?.code ?? null,
          },
        }
      : {}),
  }));

  app.get("/metrics", { schema: { hide: true } }, async (_req, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
