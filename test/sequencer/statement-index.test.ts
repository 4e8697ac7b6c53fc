// The statement index (credits and receipts written at cut): a statement read from it equals the
// lines recomputed from the batch content, and a database from before the index existed is
// indexed when `royalty sequencer` starts on it, with the same statement as before.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { buildBatch } from "../../core/batch.ts";
import { bigIntToAddress } from "../../core/field.ts";
import { toJsonValue } from "../../core/json.ts";
import { loadParams } from "../../core/params.ts";
import { SAMPLE_CHAIN_ID, sampleLineage, sampleLineageRequest } from "../../prover/sample-batch.ts";
import { RoyaltyClient } from "../../sdk/index.ts";
import {
  type CreditPartJson,
  type StatementJson,
  type StatementLineJson,
  type StatementVerdict,
  verifyStatement,
} from "../../sdk/statement.ts";
import { InMemoryChainView } from "../../sequencer/chain-state.ts";
import { BatchLifecycle } from "../../sequencer/pipeline/lifecycle.ts";
import { buildServer } from "../../sequencer/server.ts";
import { batchIndexOf, buildStatement, indexOlderBatches } from "../../sequencer/statement.ts";
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

// Lineage (docs/protocol.md §3, §17): an event credits every account any level of its lineage
// names. Built with core's buildBatch and the lifecycle's cut, as the sequencer does, on a
// parameter set of depth D = 3; no proof needed, the settlement is the built public data.
describe("statement index with lineage", () => {
  const params = loadParams("default");
  // sampleLineage: 2001 [16] 7000 -> 2002 [15] 7000 -> 2003 [14] 7000 -> 2004 [13] 10000, each
  // parent 3000. Account 16 is named again by 2003 (so at levels 0 and 2 of an event on 2001).
  const assets = sampleLineage(params).map((a) =>
    a.assetId === 2003n
      ? {
          assetId: 2003n,
          split: {
            recipients: [14n, 16n],
            bps: [4000, 3000],
            parent: { assetId: 2004n, bps: 3000 },
          },
        }
      : a,
  );
  const amounts = [987_654n, 10_001n, 7n, 123_456_789n, 5_555n];
  const onAsset = [2001n, 2001n, 2001n, 2003n, 2002n];
  const request = {
    ...sampleLineageRequest(params, { amounts, assetOf: (i) => onAsset[i] as bigint }),
    assets,
  };
  const built = buildBatch(request);
  const accountAddress = (id: bigint) => bigIntToAddress(0xacc000n + id);

  /**
   * By hand, independently of core: at every level each entry takes floor(amount * bps / 10000),
   * the first entry also the remainder; the parent entry's share is what the next level divides.
   */
  const entries: Record<string, { accounts: [bigint, bigint][]; parent?: [bigint, bigint] }> = {
    "2001": { accounts: [[16n, 7000n]], parent: [2002n, 3000n] },
    "2002": { accounts: [[15n, 7000n]], parent: [2003n, 3000n] },
    "2003": {
      accounts: [
        [14n, 4000n],
        [16n, 3000n],
      ],
      parent: [2004n, 3000n],
    },
    "2004": { accounts: [[13n, 10_000n]] },
  };
  const byHand = (amount: bigint, assetId: bigint) => {
    const credited = new Map<bigint, bigint>();
    for (let asset: bigint | undefined = assetId; asset !== undefined; ) {
      const e = entries[String(asset)] as (typeof entries)[string];
      const floors = e.accounts.map(([, bps]) => (amount * bps) / 10_000n);
      const toParent = e.parent ? (amount * e.parent[1]) / 10_000n : 0n;
      const remainder = amount - floors.reduce((a, b) => a + b, 0n) - toParent;
      e.accounts.forEach(([id], k) => {
        const share = (floors[k] as bigint) + (k === 0 ? remainder : 0n);
        credited.set(id, (credited.get(id) ?? 0n) + share);
      });
      amount = toParent;
      asset = e.parent?.[0];
    }
    return credited;
  };

  /** The batch cut by the lifecycle into a fresh store and settled; its statement per account. */
  function settledStore() {
    const store = new SqliteStore(":memory:");
    const heads = new Map(request.payers.map((p) => [p.address, p.head]));
    store.appendEvents(
      request.events.map((e, i) => {
        const prevHead = heads.get(e.payer) as bigint;
        const head = built.heads[i] as bigint;
        heads.set(e.payer, head);
        return {
          ...e,
          payer: bigIntToAddress(e.payer),
          signature: null,
          keyHash: null,
          eventHash: head,
          prevHead,
          head,
        };
      }),
      [],
    );
    const view = new InMemoryChainView(SAMPLE_CHAIN_ID, request.domain);
    for (const id of [13n, 14n, 15n, 16n]) view.setAccount(BigInt(accountAddress(id)), id);
    const lifecycle = new BatchLifecycle({ store, view, params });
    const number = lifecycle.cut(store.unbatchedEvents(100), built);
    store.settleBatch((store.batch(number) as { id: number }).id, `0x${"ab".repeat(32)}`, null);
    return { store, view, number };
  }

  const statementOf = (store: SqliteStore, accountId: bigint) =>
    toJsonValue(
      buildStatement(store, { accountId, fromBatch: 1, toBatch: 100, limit: 1000 }),
    ) as StatementJson & { totals: { total: string } };

  /** The chain's side of batch `number`: what settledForAccount reads from BatchSettled. */
  const settledFor = (number: number, accountId: bigint) => {
    const d = built.publicData;
    let credit = 0n;
    d.recipientIds.forEach((id, r) => {
      if (id === accountId) credit += d.credits[r] as bigint;
    });
    const splitHashes = new Map<bigint, bigint>();
    built.assetSlots.forEach((id, a) => {
      if (id !== 0n) splitHashes.set(id, d.splitHash[a] as bigint);
    });
    return new Map([[number, { eventsRoot: d.eventsRoot, splitHashes, credit, txHash: null }]]);
  };
  const check = (statement: Pick<StatementJson, "lines">, number: number, accountId: bigint) =>
    verifyStatement(statement, { params, accountId, settled: settledFor(number, accountId) });

  it("should place each event at its slot and credit every account any level names, as the hand computation and the settlement", () => {
    expect(built.eventSlots).toEqual([0, 4, 8, 12, 14]);
    const { store, number } = settledStore();
    for (const accountId of [13n, 14n, 15n, 16n]) {
      const statement = statementOf(store, accountId);
      const hand = request.events.map((e) => byHand(e.amount, e.assetId).get(accountId));
      // One line per event whose lineage names the account, at the event's slot, its share by
      // hand (0 where every level naming it divides 0: a parent's share of a tiny event).
      expect(statement.lines.map((l) => [l.leafIndex, l.share])).toEqual(
        hand.flatMap((share, i) =>
          share === undefined ? [] : [[built.eventSlots[i], String(share)]],
        ),
      );
      const total = hand.reduce((a: bigint, b) => a + (b ?? 0n), 0n);
      expect(statement.totals.total).toBe(String(total));
      // ... which is what the settlement credits the account.
      const verdict = check(statement, number, accountId);
      expect(verdict.firstProblem).toBeUndefined();
      expect(verdict.batches).toEqual([{ batch: number, credit: total, listed: total }]);
    }
    store.close();
  });

  it("should give a line its parts per level and the lineage up to the highest, for an account at level 0 and 2 of one event and one named only by a parent", () => {
    const { store } = settledStore();
    // Event 0, 987,654 on 2001, by hand: 2001 gives 16 691,357 + 1 and 296,296 to 2002; 2002
    // gives 15 207,407 + 1 and 88,888 to 2003; 2003 gives 14 35,555 + 1, 16 26,666 and 26,666 to
    // 2004, which gives it all to 13.
    const [twoLevels] = statementOf(store, 16n).lines;
    expect(twoLevels).toMatchObject({
      leafIndex: 0,
      assetId: "2001",
      share: "718024",
      bps: 7000,
      remainder: "1",
      split: { recipients: ["16"], bps: [7000], parent: { assetId: "2002", bps: 3000 } },
      parts: [
        { level: 0, assetId: "2001", amount: "987654", bps: 7000, share: "691358", remainder: "1" },
        { level: 2, assetId: "2003", amount: "88888", bps: 3000, share: "26666", remainder: "0" },
      ],
    });
    expect(twoLevels?.lineage?.map((l) => l.assetId)).toEqual(["2001", "2002", "2003"]);
    expect(twoLevels?.lineage?.[2]).toEqual({
      assetId: "2003",
      recipients: ["14", "16"],
      bps: [4000, 3000],
      parent: { assetId: "2004", bps: 3000 },
    });
    const [parentOnly] = statementOf(store, 13n).lines;
    expect(parentOnly).toMatchObject({
      leafIndex: 0,
      assetId: "2001",
      share: "26666",
      bps: 10_000,
      remainder: "0",
      parts: [
        { level: 3, assetId: "2004", amount: "26666", bps: 10_000, share: "26666", remainder: "0" },
      ],
    });
    expect(parentOnly?.lineage?.map((l) => l.assetId)).toEqual(["2001", "2002", "2003", "2004"]);
    expect(parentOnly?.lineage?.[3]).toEqual({
      assetId: "2004",
      recipients: ["13"],
      bps: [10_000],
    });
    // Named first at level 2: bps and remainder are that part's.
    expect(statementOf(store, 14n).lines[0]).toMatchObject({
      bps: 4000,
      remainder: "1",
      share: "35556",
    });
    // A 7-unit event: 2001 gives 16 4 + 1 and 2 to 2002, which gives 15 1 + 1 and 0 to 2003:
    // the levels above divide 0, and still list the accounts they name, with a share of 0.
    const tiny = statementOf(store, 16n).lines.find((l) => l.amount === "7");
    expect(tiny).toMatchObject({
      leafIndex: 8,
      share: "5",
      parts: [
        { level: 0, amount: "7", share: "5", remainder: "1" },
        { level: 2, amount: "0", share: "0", remainder: "0" },
      ],
    });
    expect(statementOf(store, 13n).lines.find((l) => l.amount === "7")).toMatchObject({
      share: "0",
      parts: [{ level: 3, amount: "0", share: "0" }],
    });
    store.close();
  });

  it("should serve the parts and lineage over HTTP and as a CSV parts column, and rebuild them for a database indexed before", async () => {
    const { store, view } = settledStore();
    const app = await buildServer({ store, chain: view, params });
    const url = `/v1/accounts/${accountAddress(16n)}/statement`;
    const body = (await app.inject({ url })).json() as StatementJson;
    expect(body.lines).toEqual(statementOf(store, 16n).lines);
    const csv = (await app.inject({ url: `${url}?format=csv` })).body.trim().split("\n");
    expect(csv[0]).toMatch(/,share,remainder,parts,ref,/);
    expect(csv[1]).toContain(",718024,1,0:2001:7000:691358;2:2003:3000:26666,");
    await app.close();

    // The index gone (as in a database from before it): indexed again, the same lines.
    const before = statementOf(store, 16n);
    const raw = (store as unknown as { db: Database.Database }).db;
    raw.exec("DELETE FROM credits; DELETE FROM receipts;");
    expect(indexOlderBatches(store, params)).toBe(1);
    expect(statementOf(store, 16n)).toEqual(before);
    store.close();
  });

  it("should catch a tampered line: a wrong part share, a part left out, a wrong lineage split, a lineage that skips a parent", () => {
    const { store, number } = settledStore();
    const statement = statementOf(store, 16n);
    store.close();
    const tamper = (edit: (line: StatementLineJson) => void) => {
      const lines = structuredClone(statement.lines);
      edit(lines[0] as StatementLineJson);
      return check({ lines }, number, 16n);
    };
    const expectCaught = (verdict: StatementVerdict, problem: RegExp) => {
      expect(verdict.verified).toBe(false);
      expect(verdict.lines[0]?.problems.join("; ")).toMatch(problem);
      expect(verdict.firstProblem?.where).toBe(`batch ${number} leaf 0`);
    };
    expect(check(statement, number, 16n).verified).toBe(true);

    // A level's share one more, the line's total with it.
    expectCaught(
      tamper((l) => {
        (l.parts?.[1] as CreditPartJson).share = "26667";
        l.share = "718025";
      }),
      /level 2: the share is 26667, the lineage gives 26666/,
    );
    // The level-2 part dropped, its share with it: the line and the batch's sum are short.
    const dropped = tamper((l) => {
      l.parts?.splice(1, 1);
      l.share = "691358";
    });
    expectCaught(dropped, /leaves out level 2 \(asset 2003\), which gives 26666/);
    expect(dropped.batches[0]?.problem).toMatch(/the statement's lines add up to/);
    // 2002's split as another one than the batch settled (its parent given more).
    expectCaught(
      tamper((l) => {
        const model = (l.lineage ?? [])[1] as { bps: number[]; parent: { bps: number } };
        model.bps = [6000];
        model.parent.bps = 4000;
      }),
      /the split of asset 2002 is not the one batch \d+ settled/,
    );
    // 2003's split straight after 2001's: each hash is settled, but 2003 is not 2001's parent.
    expectCaught(
      tamper((l) => {
        l.lineage?.splice(1, 1);
      }),
      /lineage is broken: level 1 of the lineage is asset 2003, not the parent of asset 2001/,
    );
  });
});
