// The statement index (credits and receipts written at cut): a statement read from it equals the
// lines recomputed from the batch content, and a database from before the index existed is
// indexed when `royalty sequencer` starts on it, with the same statement as before.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadParams } from "../../core/params.ts";
import { RoyaltyClient } from "../../sdk/index.ts";
import { batchIndexOf } from "../../sequencer/statement.ts";
import { SqliteStore } from "../../sequencer/store/sqlite.ts";
import { chainSeedFor, DOMAIN, spawnSequencer, testPayer } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "seq-statement-index-"));
const db = join(dir, "seq.sqlite");
const payers = [1, 2].map(testPayer);
const account = `0x${"cd".repeat(19)}07`;
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const seedFile = join(dir, "seed.json");
writeFileSync(
  seedFile,
  JSON.stringify({
    ...chainSeedFor(payers, [
      { assetId: "1", recipients: ["7", "8"], bps: [6667, 3333] },
      { assetId: "2", recipients: ["9", "7"], bps: [5001, 4999] },
      { assetId: "3", recipients: ["9"], bps: [10_000] },
    ]),
    accounts: [{ address: account, id: "7" }],
  }),
);

async function startSequencer(): Promise<{ url: string; child: ChildProcess; log: string[] }> {
  const started = await spawnSequencer(
    [
      "--db",
      db,
      "--chain-seed",
      seedFile,
      "--port",
      "0",
      "--params",
      "test",
      "--max-wait-ms",
      "100",
      "--provers",
      "0",
    ],
    "info",
  );
  children.push(started.child);
  return started;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const statement = async (url: string) =>
  (await (await fetch(`${url}/v1/accounts/${account}/statement`)).json()) as {
    pending: { batch: number; leafIndex: number; share: string; bps: number; remainder: string }[];
  };

describe("statement index", () => {
  it("should hold the lines recomputed from each batch's content, and index an older database at start", async () => {
    const first = await startSequencer();
    await Promise.all(
      payers.map((p, i) =>
        new RoyaltyClient({
          baseUrl: first.url,
          payer: p.address,
          privateKey: p.privateKey,
          domain: DOMAIN,
          signEvery: 2,
        }).submitMany(
          Array.from({ length: 6 }, (_, j) => ({
            assetId: BigInt(1 + ((i + j) % 3)),
            amount: 10_001n + BigInt(i * 37 + j * 1_000_003),
            ref: BigInt(j),
          })),
        ),
      ),
    );
    // Every event cut (no provers: the batches stay pending, so their lines are listed apart).
    let before = await statement(first.url);
    for (let i = 0; i < 100 && before.pending.length < 8; i++) {
      await new Promise((r) => setTimeout(r, 100));
      before = await statement(first.url);
    }
    // Assets 1 and 2 credit account 7: 8 of the 12 events.
    expect(before.pending).toHaveLength(8);
    await stop(first.child);

    // The index equals what the batch content gives when recomputed from scratch.
    const params = loadParams("test");
    const store = new SqliteStore(db);
    const recomputed = [];
    for (let n = 1; n <= store.lastBatchNumber(); n++) {
      const batch = store.batch(n);
      if (!batch?.content) continue;
      const index = batchIndexOf(params, batch.content, store.batchEvents(n));
      recomputed.push(
        ...index.credits
          .filter((c) => c.accountId === 7n)
          .map((c) => ({ batch: n, leafIndex: c.leafIndex, share: String(c.share) })),
      );
    }
    store.close();
    expect(
      before.pending.map((l) => ({ batch: l.batch, leafIndex: l.leafIndex, share: l.share })),
    ).toEqual(recomputed);

    // A database from before the index: its rows gone, the sequencer rebuilds them at start.
    const raw = new Database(db);
    raw.exec("DELETE FROM credits; DELETE FROM receipts;");
    raw.close();
    const second = await startSequencer();
    expect(second.log.join("\n")).toContain("statement index: older batches indexed");
    expect(await statement(second.url)).toEqual(before);
    await stop(second.child);
  });

  it("should start and serve the other batches when one batch cannot be indexed", async () => {
    // Batch 1's circuit input damaged (it cannot be indexed any more) and the index gone.
    const raw = new Database(db);
    raw.exec(`UPDATE batches SET content = json_set(content, '$.input.assetId[0]', 'not a number')
      WHERE number = 1; DELETE FROM credits; DELETE FROM receipts;`);
    raw.close();
    const third = await startSequencer();
    const log = third.log.join("\n");
    expect(log).toContain("statement index: batch not indexed");
    expect(log).toContain("statement index: older batches indexed");
    const { pending } = await statement(third.url);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((l) => l.batch !== 1)).toBe(true);
    await stop(third.child);
  });
});
