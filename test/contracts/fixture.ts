import hre from "hardhat";
import type { AssetState, BatchRequest, PayerState } from "../../core/batch.ts";
import { buildBatch } from "../../core/batch.ts";
import { publicKeyOf } from "../../core/eddsa.ts";
import { domainOf, genesisHead, type RoyaltyEvent } from "../../core/event.ts";
import { type CircuitParams, loadParams } from "../../core/params.ts";
import { batchCalldata, proofCalldata } from "../../prover/calldata.ts";
import { proveJob, proveJobOf, provenOrThrow } from "../../prover/prove-job.ts";
import { samplePrivateKey, signLastHeads } from "../../prover/sample-batch.ts";
import { deployRollup, ETH } from "../../scripts/deploy/deploy-rollup.ts";
import { runSetup } from "../../scripts/setup/setup.ts";
import { decodeRevert } from "../../sdk/revert.ts";

export const params: CircuitParams = loadParams("test");
let prepared: Promise<Awaited<ReturnType<typeof runSetup>>> | undefined;

/** Keys and verifier of the test set, then the contracts compiled (the verifier is generated). */
export function prepare() {
  prepared ??= (async () => {
    const setup = await runSetup(params, { progress: false });
    await hre.tasks.getTask("build").run({ quiet: true });
    return setup;
  })();
  return prepared;
}

export interface Party {
  address: `0x${string}`;
  privateKey: Uint8Array;
}

/**
 * A fresh deployment on an in-process EDR chain with two registered, funded payers and two
 * assets whose splits share a recipient. Recipient account ids come from the contract.
 */
export async function deployScenario(
  options: {
    /** an ERC-20 deployment; "fee-on-transfer": one whose transfers burn a fee */
    erc20?: boolean | "fee-on-transfer";
    chainType?: "l1" | "op";
    escrow?: bigint;
    forcedSettlementDelay?: number;
  } = {},
) {
  const setup = await prepare();
  const connection = await hre.network.create({ network: options.chainType ?? "l1" });
  const { viem } = connection;
  const wallets = await viem.getWalletClients();
  const [deployer, payerA, payerB, owner, r1, r2, r3] = wallets as [
    (typeof wallets)[0],
    ...typeof wallets,
  ];
  // A fee-on-transfer token is a MockERC20 too: the scenario drives both through its interface.
  const tokenContract = options.erc20
    ? await viem.getContractAt(
        "MockERC20",
        options.erc20 === "fee-on-transfer"
          ? (await viem.deployContract("FeeOnTransferToken")).address
          : (await viem.deployContract("MockERC20")).address,
      )
    : undefined;
  const { rollup, verifier } = await deployRollup(viem, {
    params,
    token: tokenContract?.address ?? ETH,
    withdrawalDelay: 3600,
    splitDelay: 3600,
    forcedSettlementDelay: options.forcedSettlementDelay,
  });
  const publicClient = await viem.getPublicClient();
  const chainId = BigInt(await publicClient.getChainId());
  const domain = domainOf(chainId, rollup.address);

  const escrow = options.escrow ?? 10n ** 21n;
  const payers: Party[] = [];
  for (const [i, wallet] of [payerA, payerB].entries()) {
    const privateKey = samplePrivateKey(`contract-payer-${i}`);
    const [x, y] = publicKeyOf(privateKey);
    const address = wallet!.account.address;
    const asPayer = await viem.getContractAt("RoyaltyRollup", rollup.address, {
      client: { wallet: wallet! },
    });
    await asPayer.write.registerPayer([x, y]);
    if (tokenContract) {
      await tokenContract.write.mint([address, escrow]);
      const tokenAsPayer = await viem.getContractAt("MockERC20", tokenContract.address, {
        client: { wallet: wallet! },
      });
      await tokenAsPayer.write.approve([rollup.address, escrow]);
      await asPayer.write.deposit([escrow]);
    } else {
      await asPayer.write.deposit([escrow], { value: escrow });
    }
    payers.push({ address, privateKey });
  }

  const asOwner = await viem.getContractAt("RoyaltyRollup", rollup.address, {
    client: { wallet: owner! },
  });
  const recipients = [r1!, r2!, r3!].map((w) => w.account.address);
  await asOwner.write.registerAsset([1001n, [recipients[0]!, recipients[1]!], [7000, 3000], 0n, 0]);
  await asOwner.write.registerAsset([1002n, [recipients[2]!, recipients[0]!], [5001, 4999], 0n, 0]);
  const assets: AssetState[] = [
    { assetId: 1001n, split: { recipients: [1n, 2n], bps: [7000, 3000] } },
    { assetId: 1002n, split: { recipients: [3n, 1n], bps: [5001, 4999] } },
  ];
  const heads = new Map<string, bigint>(
    payers.map((p) => [p.address, genesisHead(domain, BigInt(p.address))]),
  );

  /** Builds a batch of `events` against the given (or current) heads and proves it. */
  async function proveEvents(
    events: RoyaltyEvent[],
    overrides: { heads?: Map<string, bigint>; assets?: AssetState[] } = {},
  ) {
    const h = overrides.heads ?? heads;
    const payerStates: PayerState[] = payers.map((p) => ({
      address: BigInt(p.address),
      pubKey: publicKeyOf(p.privateKey),
      head: h.get(p.address) ?? genesisHead(domain, BigInt(p.address)),
    }));
    const samplePayers = payers.map((p, i) => ({
      privateKey: p.privateKey,
      state: payerStates[i]!,
    }));
    const request: BatchRequest = {
      params,
      domain,
      events,
      payers: payerStates,
      assets: overrides.assets ?? assets,
      signatures: signLastHeads(samplePayers, events),
    };
    const built = buildBatch(request);
    const proven = provenOrThrow(await proveJob(proveJobOf(1, built), setup.artifacts));
    return {
      built,
      proven,
      calldata: batchCalldata(params, built),
      proof: proofCalldata(proven.proof),
    };
  }

  /** Records the heads a settled batch moved to. */
  function advance(built: ReturnType<typeof buildBatch>) {
    built.payerSlots.forEach((slot, i) => {
      if (slot === 0n) return;
      const party = payers.find((p) => BigInt(p.address) === slot);
      if (party) heads.set(party.address, built.publicData.newHead[i]!);
    });
  }

  const event = (payer: Party, seq: bigint, assetId: bigint, amount: bigint): RoyaltyEvent => ({
    payer: BigInt(payer.address),
    seq,
    assetId,
    amount,
    ref: seq,
  });

  return {
    connection,
    viem,
    publicClient,
    rollup,
    verifier,
    token: tokenContract,
    deployer: deployer!,
    owner: owner!,
    wallets: { payerA: payerA!, payerB: payerB!, r1: r1!, r2: r2!, r3: r3!, outsider: wallets[7]! },
    recipients,
    payers,
    assets,
    domain,
    chainId,
    heads,
    proveEvents,
    advance,
    event,
  };
}

export async function increaseTime(
  connection: {
    provider: { request(args: { method: string; params?: unknown[] }): Promise<unknown> };
  },
  seconds: number,
) {
  await connection.provider.request({ method: "evm_increaseTime", params: [seconds] });
  await connection.provider.request({ method: "evm_mine", params: [] });
}

/** The custom error (name and arguments) a contract call reverted with; fails if it succeeded. */
export async function revertOf(call: Promise<unknown>): Promise<{ name: string; args: unknown[] }> {
  try {
    await call;
  } catch (error) {
    const decoded = decodeRevert(error);
    if (!decoded) throw error;
    return { name: decoded.name, args: [...decoded.args] };
  }
  throw new Error("the call succeeded");
}

/** A settleBatch argument with no payer and no event, at the test set's sizes: an outsider's try. */
export const EMPTY_TEST_BATCH = {
  eventsRoot: 0n,
  payers: [
    "0x0000000000000000000000000000000000000000",
    "0x0000000000000000000000000000000000000000",
  ],
  oldHeads: [0n, 0n],
  newHeads: [0n, 0n],
  assetIds: [0n, 0n],
  splitHashes: [0n, 0n],
  packed: [0n, 0n, 0n, 0n],
} as const;
