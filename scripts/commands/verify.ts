import { RoyaltyError } from "../../core/errors.ts";
import { connect } from "../participant/connection.ts";
import { verifyBatches } from "../verify/verify-batches.ts";

export interface VerifyCommandOptions {
  deployment?: string;
  rpc?: string;
  rollup?: `0x${string}`;
  network?: string;
  batch?: string;
  sequencer?: string;
  vkey?: string;
  fromBlock?: string;
  json?: boolean;
}

/** `royalty verify`: one line per settled batch, `valid` or `invalid: reason`; exit 1 if any is invalid. */
export async function verifyCommand(o: VerifyCommandOptions): Promise<void> {
  // The rollup found as every participant command finds it, its chain and code checked; logs are
  // read from the deployment's block unless --from-block says another.
  const c = await connect(o);
  const verdicts = await verifyBatches({
    client: c.publicClient,
    rollup: c.rollup,
    batch: o.batch === undefined ? undefined : parseBatch(o.batch),
    sequencer: o.sequencer,
    vkey: o.vkey,
    fromBlock: o.fromBlock === undefined ? c.info.fromBlock : parseBlock(o.fromBlock),
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

function parseBlock(text: string): bigint {
  if (!/^\d+$/.test(text)) {
    throw new RoyaltyError("INVALID_FIELD", `--from-block must be a block number, not '${text}'`, {
      details: { field: "from-block" },
    });
  }
  return BigInt(text);
}

function parseBatch(text: string): bigint {
  if (!/^[1-9]\d*$/.test(text)) {
    throw new RoyaltyError(
      "INVALID_FIELD",
      `--batch must be a batch number from 1, not '${text}'`,
      {
        details: { field: "batch" },
      },
    );
  }
  return BigInt(text);
}
