// Statements: GET /v1/accounts/:address/statement of `royalty sequencer` on a Hardhat node, and
// `royalty statement` verifying every line against the chain, also against a lying sequencer.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../../scripts/setup/paths.ts";
import { endScenario, killAll, lyingSequencer, RECIPIENTS, Scenario } from "./harness.ts";

const run = promisify(execFile);
const CLI = join(PROJECT_ROOT, "scripts/cli.ts");
const [CREATOR, CURATOR, SOLO] = RECIPIENTS;

let s: Scenario;
// Amounts with remainders: 70% of 101 is 70.7, so the creator (first recipient) takes 71.
const SALES = [
  { assetId: 1n, amount: 101n },
  { assetId: 2n, amount: 50n },
  { assetId: 1n, amount: 1000n },
  { assetId: 1n, amount: 7n },
  { assetId: 2n, amount: 9n },
  { assetId: 1n, amount: 333n },
];

beforeAll(async () => {
  s = await Scenario.create();
  await s.startSequencer();
  await s.payer("payerA").submitMany(SALES);
  await s.settled(
    "payerA",
    SALES.map((_, i) => BigInt(i + 1)),
  );
}, 300_000);
afterAll(async () => {
  await endScenario();
  killAll();
});

async function statementCli(sequencer: string, account: string, extra: string[] = []) {
  try {
    const { stdout } = await run(process.execPath, [
      "--import",
      "tsx",
      CLI,
      "statement",
      "--deployment",
      s.deploymentFile,
      "--sequencer",
      sequencer,
      "--account",
      account,
      "--json",
      ...extra,
    ]);
    return { code: 0, out: JSON.parse(stdout.trim().split("\n").at(-1) as string), err: "" };
  } catch (e) {
    const err = e as { code: number; stderr: string };
    return { code: err.code, out: undefined, err: err.stderr.trim() };
  }
}

describe("GET /v1/accounts/:address/statement", () => {
  it("should list every event that credited the account with its share, rounding and receipt, totals equal to the chain", async () => {
    const { status, body } = await s.api(`/v1/accounts/${CREATOR}/statement`);
    expect(status).toBe(200);
    const lines = body.lines as Record<string, unknown>[];
    expect(lines.map((l) => l.amount)).toEqual(["101", "1000", "7", "333"]);
    expect(lines[0]).toMatchObject({
      status: "settled",
      assetId: "1",
      share: "71",
      bps: 7000,
      remainder: "1",
      split: { bps: [7000, 3000] },
    });
    expect(lines[0]?.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect((lines[0]?.receipt as { eventsRoot?: string } | undefined)?.eventsRoot).toMatch(/^\d+$/);
    const claimable = (await s.read("claimable", [CREATOR])) as bigint;
    expect(body.totals).toMatchObject({
      total: String(claimable),
      lines: 4,
      perAsset: { "1": String(claimable) },
    });
    expect(body).toMatchObject({ pending: [], unavailableBatches: [], nextCursor: null });
  });

  it("should page with a cursor, answer CSV, and refuse bad ranges, cursors and unknown accounts", async () => {
    const first = await s.api(`/v1/accounts/${CREATOR}/statement?limit=3`);
    expect((first.body.lines as unknown[]).length).toBe(3);
    const cursor = first.body.nextCursor as string;
    const second = await s.api(`/v1/accounts/${CREATOR}/statement?limit=3&cursor=${cursor}`);
    expect((second.body.lines as { amount: string }[]).map((l) => l.amount)).toEqual(["333"]);
    expect(second.body.nextCursor).toBeNull();

    const csv = await fetch(`${s.url}/v1/accounts/${CREATOR}/statement`, {
      headers: { accept: "text/csv" },
    });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const rows = (await csv.text()).trim().split("\n");
    expect(rows[0]).toMatch(/^status,batch,leafIndex,assetId,payer,seq,amount,bps,share,remainder/);
    expect(rows).toHaveLength(5);
    expect(rows[1]).toMatch(/^settled,\d+,\d+,1,0x[0-9a-f]{40},1,101,7000,71,1,/);

    const refused: [string, number, string][] = [
      ["?fromBatch=x", 400, "fromBatch: must be a batch number"],
      ["?fromBatch=0", 400, "fromBatch: must be 1 or more"],
      ["?fromBatch=5&toBatch=2", 400, "toBatch: must not be below fromBatch"],
      ["?cursor=bm9wZQ", 400, "cursor: must be a nextCursor this API returned"],
      ["?limit=0", 400, "limit: must be 1 to 10000"],
      ["?fromTime=yesterday", 400, "fromTime: must be an ISO 8601 time"],
      ["?format=xml", 400, "format: must be json or csv"],
    ];
    for (const [query, code, message] of refused) {
      const r = await s.api(`/v1/accounts/${CREATOR}/statement${query}`);
      expect(r.status, query).toBe(code);
      expect((r.body.error as { message: string }).message, query).toBe(message);
    }
    const unknown = await s.api(`/v1/accounts/0x${"77".repeat(20)}/statement`);
    expect(unknown.status).toBe(404);
  });
});

describe("royalty statement", () => {
  it("should verify every line against the chain and total the on-chain credits", async () => {
    for (const account of [CREATOR, CURATOR, SOLO]) {
      const r = await statementCli(s.url, account);
      expect(r.code, r.err).toBe(0);
      const claimable = (await s.read("claimable", [account])) as bigint;
      expect(r.out).toMatchObject({ verified: true, total: String(claimable) });
    }
    const csv = join(mkdtempSync(join(tmpdir(), "statement-")), "creator.csv");
    expect((await statementCli(s.url, CREATOR, ["--csv", csv])).code).toBe(0);
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows).toHaveLength(5);
    expect(rows[1]).toMatch(/^settled,\d+,\d+,1,0x[0-9a-f]{40},1,101,7000,71,1,/);
  }, 120_000);

  it("should catch a lying sequencer: a dropped line, an altered amount, another account's line", async () => {
    const foreign = (await s.api(`/v1/accounts/${SOLO}/statement`)).body.lines as unknown[];
    const lies: [string, (b: { lines: Record<string, unknown>[] }) => void, RegExp][] = [
      [
        "drop",
        (b) => void b.lines.splice(1, 1),
        /the chain credited \d+, the statement's lines add up to \d+/,
      ],
      [
        "alter",
        (b) => {
          (b.lines[0] as { amount: string }).amount = "102";
        },
        /the event's fields do not hash to its eventHash/,
      ],
      [
        "foreign",
        (b) => void b.lines.push(foreign[0] as Record<string, unknown>),
        /the account is not a recipient of asset 2's split/,
      ],
    ];
    for (const [name, rewrite, expected] of lies) {
      const liar = await lyingSequencer(s.url, rewrite);
      try {
        const r = await statementCli(liar.url, CREATOR);
        expect(r.code, name).toBe(1);
        expect(r.err, name).toMatch(/^\{"level":"error","code":"STATEMENT_MISMATCH"/);
        expect(r.err, name).toMatch(expected);
      } finally {
        liar.server.close();
      }
    }
  }, 180_000);
});
