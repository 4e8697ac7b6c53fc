import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { beforeAll, describe, expect, it } from "vitest";
import { type PubKey, payerKeyHash } from "../../core/eddsa.ts";
import { RoyaltyError } from "../../core/errors.ts";
import {
  applyKeyRotation,
  applySplitUpdate,
  claim,
  claimFor,
  createPayerKey,
  deposit,
  derivePayerKey,
  getClaimable,
  getDeployment,
  getPayer,
  getSplit,
  loadPayerKey,
  payerKeyHex,
  type RollupWriter,
  registerAsset,
  registerPayer,
  requestKeyRotation,
  requestWithdrawal,
  updateSplit,
  withdraw,
} from "../../sdk/index.ts";
import { deployScenario, increaseTime, params, prepare } from "../contracts/fixture.ts";

// Every SDK action against a real EVM (Hardhat's EDR in process) and a real proof: what a
// marketplace, an asset owner and a recipient call, with no sequencer in between.

type Scenario = Awaited<ReturnType<typeof deployScenario>>;
type Wallet = Scenario["wallets"]["outsider"];

async function refusal(call: Promise<unknown>): Promise<RoyaltyError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RoyaltyError);
  return error as RoyaltyError;
}

describe("SDK actions", () => {
  let s: Scenario;
  let wallets: Wallet[];
  const as = (wallet: Wallet): RollupWriter => ({
    publicClient: s.publicClient as RollupWriter["publicClient"],
    walletClient: wallet as RollupWriter["walletClient"],
    rollup: s.rollup.address,
  });

  beforeAll(async () => {
    await prepare();
    s = await deployScenario({ erc20: true });
    wallets = await s.viem.getWalletClients();
  }, 600_000);

  it("should read the domain, sizes and token from the contract, and refuse a wrong chain or an address without code", async () => {
    const info = await getDeployment(s.publicClient as RollupWriter["publicClient"], {
      rollup: s.rollup.address,
    });
    expect(info).toMatchObject({
      chainId: Number(s.chainId),
      domain: s.domain,
      token: getAddress(s.token!.address),
      sizes: { N: params.N, K: params.K, A: params.A, P: params.P, R: params.R, D: params.D },
      withdrawalDelay: 3600n,
      splitDelay: 3600n,
    });
    const file = {
      chainId: 1,
      chainType: "l1",
      params: "test",
      token: info.token,
      rollup: s.rollup.address,
      verifier: s.verifier.address,
      deployBlock: "0",
      withdrawalDelay: 3600,
      splitDelay: 3600,
      insecureKeys: true,
    };
    const client = s.publicClient as RollupWriter["publicClient"];
    expect((await refusal(getDeployment(client, { deployment: file }))).code).toBe("WRONG_CHAIN");
    const empty = await refusal(getDeployment(client, { rollup: wallets[9]!.account.address }));
    expect(empty.code).toBe("NO_ROLLUP_CODE");
  });

  it("should take a new payer from a wallet-derived key through an ERC-20 deposit with its approval, a key rotation and a withdrawal", async () => {
    const wallet = wallets[10]!;
    const me = as(wallet);
    const address = wallet.account.address;
    const keyHash = (payer: string, pub: PubKey) => payerKeyHash(s.domain, BigInt(payer), pub);
    // The same wallet always derives the same key; a different wallet another one.
    const account = privateKeyToAccount(
      "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
    );
    const key = await derivePayerKey(account);
    expect((await derivePayerKey(account)).privateKey).toEqual(key.privateKey);
    expect(loadPayerKey(payerKeyHex(key)).publicKey).toEqual(key.publicKey);

    const registered = await registerPayer(me, { key });
    expect(registered.events.map((e) => e.eventName)).toContain("PayerRegistered");
    await s.token!.write.mint([address, 5_000n]);
    const first = await deposit(me, { amount: 3_000n });
    expect(first.approval?.hash).toMatch(/^0x/);
    const second = await deposit(me, { amount: 2_000n });
    expect(second.approval?.hash).toMatch(/^0x/); // the first approval was used up
    let state = await getPayer(me, { payer: address });
    expect(state).toMatchObject({
      registered: true,
      escrow: 5_000n,
      keyHash: keyHash(address, key.publicKey),
    });

    const next = createPayerKey();
    await requestKeyRotation(me, { key: next });
    state = await getPayer(me, { payer: address });
    expect(state.pendingKeyHash).toBe(keyHash(address, next.publicKey));
    const early = await refusal(applyKeyRotation(as(wallets[11]!), { payer: address }));
    expect(early.code).toBe("CONTRACT_REVERT");
    expect(early.message).toMatch(/too early: possible from /);

    const tooMuch = await refusal(requestWithdrawal(me, { amount: 6_000n }));
    expect(tooMuch.message).toMatch(/has 5000 in escrow .*less than the 6000 needed/);
    const { availableAt } = await requestWithdrawal(me, { amount: 1_200n });
    expect(availableAt).toBeGreaterThan(0n);
    expect((await refusal(withdraw(me))).message).toMatch(/too early/);

    await increaseTime(s.connection, 3601);
    await applyKeyRotation(as(wallets[11]!), { payer: address }); // anyone may apply it
    const paid = await withdraw(me);
    expect(paid.amount).toBe(1_200n);
    state = await getPayer(me, { payer: address });
    expect(state).toMatchObject({
      keyHash: keyHash(address, next.publicKey),
      pendingKeyHash: 0n,
      escrow: 3_800n,
      pendingWithdrawal: 0n,
    });
    expect(await s.token!.read.balanceOf([address])).toBe(1_200n);
  });

  it("should register an asset, read its split back from the logs, and update it after the delay", async () => {
    const owner = as(wallets[12]!);
    const [a, b, c] = [wallets[13]!, wallets[14]!, wallets[15]!].map((w) =>
      getAddress(w.account.address),
    );
    await registerAsset(owner, { assetId: 77n, recipients: [a!, b!], bps: [6000, 4000] });
    let asset = await getSplit(owner, { assetId: 77n });
    expect(asset).toMatchObject({
      owner: getAddress(wallets[12]!.account.address),
      split: { recipients: [a, b], bps: [6000, 4000] },
    });
    expect(asset.pending).toBeUndefined();

    const { effectiveAt } = await updateSplit(owner, {
      assetId: 77n,
      recipients: [c!],
      bps: [10_000],
    });
    asset = await getSplit(owner, { assetId: 77n });
    expect(asset.pending).toMatchObject({ recipients: [c], bps: [10_000], effectiveAt });
    const outsider = as(wallets[16]!);
    expect(
      (await refusal(updateSplit(outsider, { assetId: 77n, recipients: [c!], bps: [10_000] })))
        .code,
    ).toBe("CONTRACT_REVERT");
    expect((await refusal(applySplitUpdate(outsider, { assetId: 77n }))).message).toMatch(
      /too early/,
    );
    await increaseTime(s.connection, 3601);
    await applySplitUpdate(outsider, { assetId: 77n });
    asset = await getSplit(owner, { assetId: 77n });
    expect(asset).toMatchObject({ split: { recipients: [c], bps: [10_000] } });
    expect(asset.pending).toBeUndefined();
    expect((await refusal(getSplit(owner, { assetId: 78n }))).code).toBe("UNKNOWN_ASSET");
  });

  it("should register a derived asset with a parent, read its parent and level back, and explain lineage refusals", async () => {
    const owner = as(wallets[17]!);
    const remixer = getAddress(wallets[18]!.account.address);
    await registerAsset(owner, {
      assetId: 88n,
      recipients: [remixer],
      bps: [8000],
      parent: { assetId: 1001n, bps: 2000 },
    });
    let asset = await getSplit(owner, { assetId: 88n });
    expect(asset).toMatchObject({
      level: 1,
      split: { recipients: [remixer], bps: [8000], parent: { assetId: 1001n, bps: 2000 } },
    });
    const root = await getSplit(owner, { assetId: 1001n });
    expect(root.level).toBe(0);
    expect(root.split.parent).toBeUndefined();

    const self = await refusal(
      updateSplit(owner, {
        assetId: 88n,
        recipients: [remixer],
        bps: [8000],
        parent: { assetId: 88n, bps: 2000 },
      }),
    );
    expect(self.details).toMatchObject({ error: "RoyaltyRollup__ParentLevelTooHigh" });
    expect(self.message).toMatch(
      /asset 88 is at lineage level 1, .* its parent 88 is at level 1: a parent must be of a lower level/,
    );
    const deep = await refusal(
      registerAsset(owner, {
        assetId: 89n,
        recipients: [remixer],
        bps: [5000],
        parent: { assetId: 88n, bps: 5000 },
      }),
    );
    expect(deep.message).toMatch(
      /asset 89 would sit at lineage level 2, above this deployment's depth 1/,
    );

    const { effectiveAt } = await updateSplit(owner, {
      assetId: 88n,
      recipients: [remixer],
      bps: [7000],
      parent: { assetId: 1002n, bps: 3000 },
    });
    asset = await getSplit(owner, { assetId: 88n });
    expect(asset.pending).toMatchObject({
      recipients: [remixer],
      bps: [7000],
      parent: { assetId: 1002n, bps: 3000 },
      effectiveAt,
    });
    expect(asset.split.parent).toEqual({ assetId: 1001n, bps: 2000 });
  });

  it("should show a recipient its royalties after a settled batch and pay them once, to itself or relayed", async () => {
    const [payer] = s.payers;
    const batch = await s.proveEvents([
      s.event(payer!, 1n, 1001n, 10_000n),
      s.event(payer!, 2n, 1002n, 2_000n),
    ]);
    await s.rollup.write.settleBatch([1n, batch.calldata, batch.proof]);
    const [r1, r2, r3] = s.recipients;
    const reader = as(s.wallets.outsider);
    // 1001 pays 70/30 to r1/r2; 1002 pays 50.01/49.99 to r3/r1.
    expect(await getClaimable(reader, { account: r1! })).toBe(7_000n + 999n);
    expect(await getClaimable(reader, { account: r2! })).toBe(3_000n);
    expect(await getClaimable(reader, { account: r3! })).toBe(1_001n);

    const own = await claim(as(s.wallets.r1));
    expect(own.amount).toBe(7_999n);
    expect(await getClaimable(reader, { account: r1! })).toBe(0n);
    expect((await refusal(claim(as(s.wallets.r1)))).message).toMatch(/no royalties are claimable/);

    const relayed = await claimFor(reader, { account: r2! });
    expect(relayed.amount).toBe(3_000n);
    expect(await s.token!.read.balanceOf([r2!])).toBe(3_000n);
  });
});
