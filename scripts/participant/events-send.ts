import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import type { Address } from "viem";
import { RoyaltyError } from "../../core/errors.ts";
import { MAX_EVENTS_PER_REQUEST } from "../../core/event.ts";
import { type Ack, RoyaltyClient } from "../../sdk/client.ts";
import { createProgress } from "../setup/progress.ts";
import { accountFromEnv, type ChainOptions, connect, payerKeyOf } from "./connection.ts";
import { parseAddress, report } from "./output.ts";
import { readSalesFile, type Sale } from "./sales-file.ts";

export interface EventsSendOptions extends ChainOptions {
  file: string;
  sequencer: string;
  payer?: string;
  payerKeyFile?: string;
  /** where the resume point is kept; default FILE.progress.json */
  progress?: string;
  wait?: boolean;
  waitTimeout?: string;
  /** events per request, 1..MAX_EVENTS_PER_REQUEST (default: that, 1000) */
  chunk?: string;
}

/** What a send remembers so a second run continues where the first stopped. */
interface SendProgress {
  payer: string;
  rollup: string;
  chainId: number;
  sha256: string;
  /** seq of the file's first sale */
  firstSeq: string;
  total: number;
}

const same = (sale: Sale, ev: { assetId: string; amount: string; ref?: string }) =>
  BigInt(ev.assetId) === sale.assetId &&
  BigInt(ev.amount) === sale.amount &&
  BigInt(ev.ref ?? 0) === sale.ref;

/**
 * Signs and sends a marketplace's sales file as royalty events, 1,000 per request (--chunk). The file's
 * first sale gets the payer's next seq, recorded in a progress file before anything is sent; a
 * run after an interruption asks the sequencer how far the payer's chain got, checks that the last
 * accepted event is the file's sale at that place, and sends only the rest: nothing twice.
 */
export async function eventsSendCommand(o: EventsSendOptions): Promise<void> {
  const chunk = Number(o.chunk ?? MAX_EVENTS_PER_REQUEST);
  if (!Number.isInteger(chunk) || chunk < 1 || chunk > MAX_EVENTS_PER_REQUEST) {
    throw new RoyaltyError(
      "INVALID_FIELD",
      `--chunk must be an integer from 1 to ${MAX_EVENTS_PER_REQUEST}, not '${o.chunk}'`,
      {
        details: { field: "chunk" },
      },
    );
  }
  const { sales, sha256 } = await readSalesFile(o.file);
  const c = await connect(o);
  const payer = o.payer ? parseAddress("--payer", o.payer) : (accountFromEnv().address as Address);
  const key = await payerKeyOf(o);
  const client = await RoyaltyClient.connect({
    sequencer: o.sequencer,
    deployment: c.info,
    payer,
    privateKey: key.privateKey,
    maxEventsPerRequest: chunk,
    // Registrations and deposits sent just before are known to the sequencer first.
    afterBlock: await c.publicClient.getBlockNumber(),
  });
  const progressFile = o.progress ?? `${o.file}.progress.json`;
  const mine = (p: SendProgress) =>
    p.sha256 === sha256 &&
    p.payer.toLowerCase() === payer.toLowerCase() &&
    p.rollup.toLowerCase() === c.rollup.toLowerCase() &&
    p.chainId === c.info.chainId;
  let saved: SendProgress | undefined;
  if (existsSync(progressFile)) {
    saved = JSON.parse(await readFile(progressFile, "utf8")) as SendProgress;
    if (!mine(saved)) saved = undefined;
  }
  let done = 0;
  if (saved) {
    const firstSeq = BigInt(saved.firstSeq);
    const accepted = client.nextSeq - firstSeq;
    done = Number(accepted < 0n ? 0n : accepted > BigInt(sales.length) ? sales.length : accepted);
    if (done > 0) {
      const last = await client.eventStatus(firstSeq + BigInt(done) - 1n);
      if (!same(sales[done - 1] as Sale, last as never)) {
        throw new RoyaltyError(
          "RESUME_MISMATCH",
          `the payer's event at seq ${last.seq} is not line ${done} of ${o.file}: events were sent for this payer by something else; remove ${progressFile} to send the file again as new events`,
          { details: { seq: last.seq, line: done } },
        );
      }
    }
  } else {
    saved = {
      payer,
      rollup: c.rollup,
      chainId: c.info.chainId,
      sha256,
      firstSeq: client.nextSeq.toString(),
      total: sales.length,
    };
    await writeFile(progressFile, `${JSON.stringify(saved, null, 2)}\n`);
  }
  const progress = createProgress(!o.json);
  progress.stage(`sending ${o.file}`, sales.length);
  progress.update(done);
  let lastAck: Ack | undefined;
  for (let i = done; i < sales.length; i += chunk) {
    const acks = await client.submitMany(sales.slice(i, i + chunk));
    lastAck = acks.at(-1);
    progress.update(Math.min(sales.length, i + chunk));
  }
  progress.done();
  const firstSeq = BigInt(saved.firstSeq);
  const lastSeq = firstSeq + BigInt(sales.length) - 1n;
  const data: Record<string, unknown> = {
    file: o.file,
    payer,
    sent: sales.length - done,
    alreadyAccepted: done,
    firstSeq,
    lastSeq,
    ...(lastAck ? { head: lastAck.head } : {}),
  };
  let sentence = `sent ${sales.length - done} events of ${o.file} as payer ${payer} (seqs ${firstSeq}..${lastSeq}${done ? `; ${done} were accepted before` : ""})`;
  if (o.wait) {
    const status = await client.waitForSettlement(lastSeq, {
      timeoutMs: Number(o.waitTimeout ?? 600) * 1000,
    });
    data.settled = { batch: status.batch, txHash: status.receipt?.txHash ?? null };
    sentence += `; settled in batch ${status.batch} (tx ${status.receipt?.txHash})`;
  }
  report(o.json, sentence, data);
}
