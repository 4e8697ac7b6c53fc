import { createPublicClient, http } from "viem";
import { verifyBatches } from "../verify/verify-batches.ts";

export interface VerifyCommandOptions {
  rpc: string;
  rollup: `0x${string}`;
  batch?: string;
  sequencer?: string;
  vkey?: string;
  fromBlock?: string;
  json?: boolean;
}

/** `royalty verify`: one line per settled batch, `valid` or `invalid: reason`; exit 1 if any is invalid. */
export async function verifyCommand(o: VerifyCommandOptions): Promise<void> {
  const verdicts = await verifyBatches({
    client: createPublicClient({ transport: http(o.rpc) }),
    rollup: o.rollup,
    batch: o.batch === undefined ? undefined : BigInt(o.batch),
    sequencer: o.sequencer,
    vkey: o.vkey,
    fromBlock: o.fromBlock === undefined ? undefined : BigInt(o.fromBlock),
  });
  for (const v of verdicts) {
    if (o.json)
      console.log(
        JSON.stringify({
          batch: Number(v.batch),
          valid: v.valid,
          ...(v.reason ? { reason: v.reason } : {}),
        }),
      );
    else console.log(`batch ${v.batch}: ${v.valid ? "valid" : `invalid: ${v.reason}`}`);
  }
  if (verdicts.length === 0) console.log("no settled batch");
  if (verdicts.some((v) => !v.valid)) process.exitCode = 1;
}
