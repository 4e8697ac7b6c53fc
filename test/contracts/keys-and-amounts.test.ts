// Keys nobody else can sign for, and amounts that never wrap or spill (docs/protocol.md §10):
// small-order keys refused at registration and rotation, deposits bounded to 128 bits and credited
// with what a token delivered, balances that revert instead of spilling into the neighbouring
// account, and a token address that must hold code.
import { buildBabyjub } from "circomlibjs";
import { encodeAbiParameters, getAddress, keccak256, numberToHex, pad } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { publicKeyOf } from "../../core/eddsa.ts";
import { samplePrivateKey } from "../../prover/sample-batch.ts";
import { deployRollup } from "../../scripts/deploy/deploy-rollup.ts";
import { smallOrderPoints } from "../core/small-order.ts";
import { deployScenario, params, prepare, revertOf } from "./fixture.ts";

type Scenario = Awaited<ReturnType<typeof deployScenario>>;
const MAX_128 = 2n ** 128n - 1n;

beforeAll(async () => {
  await prepare();
});

const asWallet = (s: Scenario, wallet: Scenario["wallets"]["outsider"]) =>
  s.viem.getContractAt("RoyaltyRollup", s.rollup.address, { client: { wallet } });

async function rpc(s: Scenario, method: string, params: unknown[]): Promise<unknown> {
  return s.connection.provider.request({ method, params });
}

describe("RoyaltyRollup payer keys", () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await deployScenario();
  });

  it("should refuse each of the eight small-order keys at registration and at rotation", async () => {
    const outsider = await asWallet(s, s.wallets.outsider);
    const payerA = await asWallet(s, s.wallets.payerA);
    for (const [x, y] of smallOrderPoints()) {
      await expect(outsider.write.registerPayer([x, y])).rejects.toThrow(
        /RoyaltyRollup__SmallOrderKey/,
      );
      await expect(payerA.write.requestKeyRotation([x, y])).rejects.toThrow(
        /RoyaltyRollup__SmallOrderKey/,
      );
    }
  });

  it("should accept a key with a small-order component that is not itself of small order", async () => {
    const babyJub = await buildBabyjub();
    const F = babyJub.F;
    const A = publicKeyOf(samplePrivateKey("torsion-shifted"));
    const T = smallOrderPoints()[1]!;
    const sum = babyJub.addPoint([F.e(A[0]), F.e(A[1])], [F.e(T[0]), F.e(T[1])]);
    const outsider = await asWallet(s, s.wallets.outsider);
    await outsider.write.registerPayer([F.toObject(sum[0]), F.toObject(sum[1])]);
    expect(await s.rollup.read.keyHashOf([s.wallets.outsider.account.address])).not.toBe(0n);
  });
});

describe("RoyaltyRollup deposit bounds (ETH)", () => {
  it("should refuse a deposit above 2^128 - 1 and one that would take the escrow past it", async () => {
    const s = await deployScenario({ escrow: 1n });
    const payer = s.wallets.payerA;
    await rpc(s, "hardhat_setBalance", [payer.account.address, numberToHex(2n ** 130n)]);
    const asPayer = await asWallet(s, payer);
    // 2^128 + 7: a uint128 cast would keep the tokens and credit 7.
    expect(await revertOf(asPayer.write.deposit([MAX_128 + 8n], { value: MAX_128 + 8n }))).toEqual({
      name: "RoyaltyRollup__AmountTooLarge",
      args: [MAX_128 + 8n, MAX_128],
    });
    expect(await revertOf(asPayer.write.deposit([MAX_128], { value: MAX_128 }))).toEqual({
      name: "RoyaltyRollup__EscrowOverflow",
      args: [getAddress(payer.account.address), 1n, MAX_128],
    });
    await asPayer.write.deposit([MAX_128 - 1n], { value: MAX_128 - 1n });
    expect((await s.rollup.read.payers([payer.account.address]))[2]).toBe(MAX_128);
  });
});

describe("RoyaltyRollup deposits of a fee-on-transfer token", () => {
  it("should credit the escrow with what arrived, not with the amount asked", async () => {
    const s = await deployScenario({ erc20: "fee-on-transfer", escrow: 10_000n });
    const token = s.token!;
    const feeToken = await s.viem.getContractAt("FeeOnTransferToken", token.address);
    await feeToken.write.setFeeBps([100n]); // 1% of every transfer is burned
    const payer = s.wallets.payerA;
    await token.write.mint([payer.account.address, 5000n]);
    const asPayerToken = await s.viem.getContractAt("MockERC20", token.address, {
      client: { wallet: payer },
    });
    await asPayerToken.write.approve([s.rollup.address, 5000n]);
    const before = (await s.rollup.read.payers([payer.account.address]))[2];
    await (await asWallet(s, payer)).write.deposit([5000n]);
    const after = (await s.rollup.read.payers([payer.account.address]))[2];
    expect(after - before).toBe(4950n);
    // Escrow never exceeds what the rollup holds: every payer's escrow is backed.
    const held = await token.read.balanceOf([s.rollup.address]);
    const escrows = await Promise.all(
      s.payers.map(async (p) => (await s.rollup.read.payers([p.address]))[2]),
    );
    expect(escrows.reduce((a, b) => a + b, 0n) <= held).toBe(true);
  });
});

describe("RoyaltyRollup token address", () => {
  it("should refuse to deploy with a token address that holds no code", async () => {
    const s = await deployScenario();
    await expect(
      deployRollup(s.viem, { params, token: s.wallets.r1.account.address }),
    ).rejects.toThrow(/RoyaltyRollup__TokenHasNoCode/);
  });
});

describe("RoyaltyRollup balance bounds", () => {
  it("should revert a settlement that would take a balance past 2^128 - 1, leaving the neighbour's half untouched", async () => {
    const s = await deployScenario();
    const [a] = s.payers as [Scenario["payers"][0]];
    const first = await s.proveEvents([s.event(a, 1n, 1001n, 1000n)]);
    await s.rollup.write.settleBatch([1n, first.calldata, first.proof]);
    s.advance(first.built);
    // Accounts 1 and 2 (asset 1001's recipients) share the storage word of pair 0. Find it: the
    // mapping's slot is the one whose entry for key 0 holds both balances.
    const r1 = s.recipients[0]!;
    const r2 = s.recipients[1]!;
    const b1 = await s.rollup.read.claimable([r1]);
    const b2 = await s.rollup.read.claimable([r2]);
    const word = b1 + (b2 << 128n);
    let slot: `0x${string}` | undefined;
    for (let mappingSlot = 0n; mappingSlot < 64n && !slot; mappingSlot++) {
      const candidate = keccak256(
        encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }], [0n, mappingSlot]),
      );
      const value = await s.publicClient.getStorageAt({
        address: s.rollup.address,
        slot: candidate,
      });
      if (value && BigInt(value) === word) slot = candidate;
    }
    expect(slot).toBeDefined();
    // Account 1 one short of the maximum, account 2 as it was.
    const nearlyFull = MAX_128 - 1n + (b2 << 128n);
    await rpc(s, "hardhat_setStorageAt", [s.rollup.address, slot, pad(numberToHex(nearlyFull))]);
    expect(await s.rollup.read.claimable([r1])).toBe(MAX_128 - 1n);

    const next = await s.proveEvents([s.event(a, 2n, 1001n, 1000n)]);
    expect(await revertOf(s.rollup.write.settleBatch([2n, next.calldata, next.proof]))).toEqual({
      name: "RoyaltyRollup__BalanceOverflow",
      args: [1],
    });
    expect(await s.rollup.read.claimable([r2])).toBe(b2);
    expect(await s.rollup.read.settledBatches()).toBe(1n);
  });
});
