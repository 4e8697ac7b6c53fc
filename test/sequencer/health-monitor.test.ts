// The rules of HealthMonitor on the inputs it reads (queue depths, settled batches, proofs made,
// the watcher's lag and error), with time given, so each boundary is exact.
import { describe, expect, it } from "vitest";
import type { ChainWatcher } from "../../sequencer/chain/watcher.ts";
import { InMemoryChainView } from "../../sequencer/chain-state.ts";
import { HealthMonitor } from "../../sequencer/health.ts";
import { Metrics } from "../../sequencer/metrics.ts";
import type { QueueDepths, Store } from "../../sequencer/store/types.ts";

function setup(watcher?: { lag: bigint; error?: { code: string; message: string } }) {
  const depths: QueueDepths = { accepted: 0, batched: 0, proven: 0 };
  const chain = new InMemoryChainView(31337n, 1n);
  const metrics = new Metrics();
  const monitor = new HealthMonitor(
    {
      store: { queueDepths: () => depths } as unknown as Store,
      chain,
      metrics,
      ...(watcher ? { watcher: watcher as unknown as ChainWatcher } : {}),
    },
    { stallMs: 1000, maxLagBlocks: 10n },
  );
  return { depths, chain, metrics, monitor };
}

const reasons = async (m: HealthMonitor, now: number) =>
  (await m.check(now)).reasons.map((r) => r.reason);

describe("HealthMonitor", () => {
  it("should time a stall from when work began to wait, and restart the clock at each proof", async () => {
    const { depths, metrics, monitor } = setup();
    expect(await reasons(monitor, 0)).toEqual([]);
    depths.batched = 3;
    expect(await reasons(monitor, 10_000)).toEqual([]); // waiting begins now
    expect(await reasons(monitor, 11_000)).toEqual([]); // exactly stallMs: not yet
    expect(await reasons(monitor, 11_001)).toEqual(["proving_stalled"]);
    metrics.proofSeconds.observe(1); // a proof was made: progress
    expect(await reasons(monitor, 11_500)).toEqual([]);
    expect(await reasons(monitor, 12_501)).toEqual(["proving_stalled"]);
    depths.batched = 0;
    expect(await reasons(monitor, 20_000)).toEqual([]);
  });

  it("should count a settlement by anyone as progress of the settlement stage", async () => {
    const { depths, chain, monitor } = setup();
    depths.proven = 2;
    await monitor.check(0);
    expect(await reasons(monitor, 1001)).toEqual(["settlement_stalled"]);
    chain.settledBatches = 1n;
    expect(await reasons(monitor, 1002)).toEqual([]);
  });

  it("should say the watcher is behind past maxLagBlocks, and stopped when it failed", async () => {
    const watcher: { lag: bigint; error?: { code: string; message: string } } = { lag: 10n };
    const { monitor, metrics } = setup(watcher);
    expect(await reasons(monitor, 0)).toEqual([]);
    watcher.lag = 11n;
    expect((await monitor.check(0)).reasons).toEqual([
      {
        reason: "watcher_behind",
        message: "the view of the chain is 11 blocks behind the confirmed head (more than 10)",
      },
    ]);
    watcher.error = { code: "REORG_TOO_DEEP", message: "a reorg deeper than the confirmations" };
    expect(await reasons(monitor, 0)).toEqual(["watcher_stopped"]);
    expect(await metrics.registry.metrics()).toContain(
      'royalty_degraded{reason="watcher_stopped"} 1',
    );
  });
});
