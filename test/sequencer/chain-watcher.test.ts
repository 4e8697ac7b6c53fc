import { createPublicClient, http } from "viem";
import { describe, expect, it } from "vitest";
import { ChainWatcher } from "../../sequencer/chain/watcher.ts";
import { InMemoryChainView } from "../../sequencer/chain-state.ts";
import { deployScenario, params } from "../contracts/fixture.ts";

describe("ChainWatcher", () => {
  it("should follow registrations, deposits, splits, withdrawals and settlements, and resume after a restart", async () => {
    const s = await deployScenario();
    // The watcher's progress lives in the sequencer's store; a map stands in for its key/value table.
    const values = new Map<string, string>();
    const store = {
      getValue: (k: string) => values.get(k),
      setValue: (k: string, v: string) => void values.set(k, v),
    };
    const view = new InMemoryChainView(s.chainId, s.domain);
    const watcher = new ChainWatcher({
      client: s.publicClient,
      rollup: s.rollup.address,
      params,
      view,
      progress: store,
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

    // A new watcher on the same database resumes from the saved block with the saved view.
    const restarted = new InMemoryChainView(s.chainId, s.domain);
    const again = new ChainWatcher({
      client: s.publicClient,
      rollup: s.rollup.address,
      params,
      view: restarted,
      progress: store,
      fromBlock: 0n,
    });
    expect(again.nextBlock).toBe(watcher.nextBlock);
    expect(restarted.payer(BigInt(a.address))).toEqual(view.payer(BigInt(a.address)));
    expect(await again.catchUp()).toBe(0);
  });

  it("should back off on RPC errors", async () => {
    const s = await deployScenario();
    const view = new InMemoryChainView(s.chainId, s.domain);
    const values = new Map<string, string>();
    const delays: number[] = [];
    const watcher = new ChainWatcher({
      client: createPublicClient({ transport: http("http://127.0.0.1:9", { retryCount: 0 }) }),
      rollup: s.rollup.address,
      params,
      view,
      progress: { getValue: (k) => values.get(k), setValue: (k, v) => values.set(k, v) },
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
});
