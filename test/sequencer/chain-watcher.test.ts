import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createPublicClient, http } from "viem";
import { describe, expect, it } from "vitest";
import { ChainWatcher } from "../../sequencer/chain/watcher.ts";
import { InMemoryChainView } from "../../sequencer/chain-state.ts";
import { BatchLifecycle } from "../../sequencer/pipeline/lifecycle.ts";
import { SqliteStore } from "../../sequencer/store/sqlite.ts";
import { deployScenario, params } from "../contracts/fixture.ts";

/** The sequencer's store and lifecycle, the watcher's sink, on a fresh SQLite file. */
function sinkFor(view: InMemoryChainView, db?: string) {
  const file = db ?? join(mkdtempSync(join(tmpdir(), "watcher-")), "seq.sqlite");
  const store = new SqliteStore(file);
  const lifecycle = new BatchLifecycle({ store, view, params });
  lifecycle.restoreView();
  return { file, store, lifecycle };
}

describe("ChainWatcher", () => {
  it("should follow registrations, deposits, splits, withdrawals and settlements, and resume after a restart", async () => {
    const s = await deployScenario();
    const view = new InMemoryChainView(s.chainId, s.domain);
    const sink = sinkFor(view);
    const watcher = new ChainWatcher({
      client: s.publicClient,
      rollup: s.rollup.address,
      sink: sink.lifecycle,
      fromBlock: 0n,
    });
    await watcher.catchUp();

    const [a, b] = s.payers as [(typeof s.payers)[0], (typeof s.payers)[0]];
    const payerA = view.payer(BigInt(a.address));
    expect(payerA?.keyHash).toBe(await s.rollup.read.keyHashOf([a.address]));
    expect(payerA?.escrow).toBe(10n ** 21n);
    expect(view.asset(1002n)?.split).toEqual({ recipients: [3n, 1n], bps: [5001, 4999] });
    expect(view.accountId(BigInt(s.recipients[2]!))).toBe(3n);

    const batch = await s.proveEvents([
      s.event(a, 1n, 1001n, 1_000_003n),
      s.event(b, 1n, 1002n, 777n),
    ]);
    await s.rollup.write.settleBatch([1n, batch.calldata, batch.proof]);
    const asB = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.wallets.payerB },
    });
    await asB.write.requestWithdrawal([5n]);
    await watcher.catchUp();

    const slotA = batch.built.payerSlots.indexOf(BigInt(a.address));
    expect(view.payer(BigInt(a.address))?.head).toBe(batch.built.publicData.newHead[slotA]);
    expect(view.payer(BigInt(a.address))?.escrow).toBe(
      (await s.rollup.read.payers([a.address]))[2],
    );
    expect(view.payer(BigInt(b.address))?.pendingWithdrawal).toBe(5n);
    for (const r of s.recipients)
      expect(view.claimable(BigInt(r))).toBe(await s.rollup.read.claimable([r]));

    expect(view.settledBatches).toBe(1n);
    // A new watcher on the same database resumes from the saved block with the saved view.
    const reached = watcher.nextBlock;
    sink.store.close();
    const restarted = new InMemoryChainView(s.chainId, s.domain);
    const again = new ChainWatcher({
      client: s.publicClient,
      rollup: s.rollup.address,
      sink: sinkFor(restarted, sink.file).lifecycle,
      fromBlock: 0n,
    });
    expect(again.nextBlock).toBe(reached);
    expect(restarted.payer(BigInt(a.address))).toEqual(view.payer(BigInt(a.address)));
    expect(await again.catchUp()).toBe(0);
  });

  it("should back off on RPC errors", async () => {
    const s = await deployScenario();
    const view = new InMemoryChainView(s.chainId, s.domain);
    const delays: number[] = [];
    const watcher = new ChainWatcher({
      client: createPublicClient({ transport: http("http://127.0.0.1:9", { retryCount: 0 }) }),
      rollup: s.rollup.address,
      sink: sinkFor(view).lifecycle,
      fromBlock: 0n,
      pollMs: 10,
      onError: (_, retryInMs) => delays.push(retryInMs),
    });
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    watcher.stop();
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(delays[1]).toBeGreaterThan(delays[0] as number);
  });

  it("should apply only confirmed blocks, see nothing of a reorg above them, and stop on a reorg below them", async () => {
    const s = await deployScenario();
    const rpc = (method: string, params: unknown[] = []) =>
      s.connection.provider.request({ method, params });
    const view = new InMemoryChainView(s.chainId, s.domain);
    const fatal: string[] = [];
    const watcher = new ChainWatcher({
      client: s.publicClient,
      rollup: s.rollup.address,
      sink: sinkFor(view).lifecycle,
      fromBlock: 0n,
      confirmations: 2n,
      onFatal: (e) => fatal.push(e.code),
    });
    const b = s.payers[1]!;
    const escrowOfB = () => view.payer(BigInt(b.address))?.escrow;
    const asB = await s.viem.getContractAt("RoyaltyRollup", s.rollup.address, {
      client: { wallet: s.wallets.payerB },
    });
    await rpc("evm_mine");
    await rpc("evm_mine");
    await watcher.catchUp();
    const start = escrowOfB() as bigint;
    expect(watcher.nextBlock).toBe((await s.publicClient.getBlockNumber()) - 1n);

    // A deposit one block deep is not applied yet; a reorg then replaces it with another one.
    const shallow = await rpc("evm_snapshot");
    await asB.write.deposit([5n], { value: 5n });
    await watcher.catchUp();
    expect(escrowOfB()).toBe(start);
    await rpc("evm_revert", [shallow]);
    await rpc("evm_increaseTime", [7]);
    await asB.write.deposit([7n], { value: 7n });
    await rpc("evm_mine");
    await rpc("evm_mine");
    await watcher.catchUp();
    expect(escrowOfB()).toBe(start + 7n);

    // A reorg that replaces a block already applied: the watcher stops and says why.
    const deep = await rpc("evm_snapshot");
    await asB.write.deposit([11n], { value: 11n });
    for (let i = 0; i < 3; i++) await rpc("evm_mine");
    await watcher.catchUp();
    expect(escrowOfB()).toBe(start + 18n);
    await rpc("evm_revert", [deep]);
    await rpc("evm_increaseTime", [13]);
    for (let i = 0; i < 6; i++) await rpc("evm_mine");
    await expect(watcher.catchUp()).rejects.toMatchObject({ code: "REORG_TOO_DEEP" });
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fatal).toEqual(["REORG_TOO_DEEP"]);
    expect(watcher.error?.code).toBe("REORG_TOO_DEEP");
    watcher.stop();
  });
});
