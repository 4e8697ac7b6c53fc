// The dashboard in real Chromium, against `royalty sequencer` on a Hardhat node: it loads, its
// batch list follows settlement, a recipient's statement is verified in the browser against the
// chain (and a lying sequencer's is not), and the CSV downloads.
import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  endScenario,
  killAll,
  lyingSequencer,
  RECIPIENTS,
  Scenario,
} from "../sequencer/liveness/harness.ts";
import { launchChromium } from "./browser.ts";

const [CREATOR] = RECIPIENTS;
const SALES = [
  { assetId: 1n, amount: 101n },
  { assetId: 2n, amount: 50n },
  { assetId: 1n, amount: 1000n },
  { assetId: 1n, amount: 7n },
];

let s: Scenario;
let browser: Browser;
const pageErrors: string[] = [];
afterEach(() => {
  expect(pageErrors.splice(0)).toEqual([]);
});

beforeAll(async () => {
  s = await Scenario.create();
  await s.startSequencer();
  browser = await launchChromium();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await endScenario();
  killAll();
});

async function open(path = "/dashboard", base = s.url): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  // The page reports failures in its health pill; a script error fails the test too.
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(`${base}${path}`);
  return page;
}

const settledRows = (page: Page) =>
  page
    .locator("#batches tbody tr[data-status=settled]")
    .evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.batch)));

describe("dashboard", () => {
  it("should load from / with the deployment and a healthy sequencer", async () => {
    const page = await open("/");
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    await expect.poll(() => page.textContent("#health"), { timeout: 20_000 }).toBe("healthy");
    expect(await page.textContent("#deployment")).toContain("on chain 31337");
    expect(await page.textContent("#last-batch")).toBe("0");
    await page.close();
  }, 60_000);

  it("should list batches as they settle, with events, proof time, gas and transaction", async () => {
    const page = await open();
    await expect.poll(() => page.textContent("#health"), { timeout: 20_000 }).toBe("healthy");
    await s.payer("payerA").submitMany(SALES);
    await s.settled(
      "payerA",
      SALES.map((_, i) => BigInt(i + 1)),
    );
    const last = (await s.api("/v1/health")).body.lastBatch as number;
    expect(last).toBeGreaterThan(0);
    await expect.poll(() => settledRows(page), { timeout: 20_000 }).toContain(last);
    const row = page.locator(`#batches tbody tr[data-batch="${last}"] td`);
    const cells = await row.allTextContents();
    expect(cells[1]).toBe("settled");
    expect(Number(cells[2])).toBeGreaterThan(0);
    expect(Number(cells[3])).toBeGreaterThan(0);
    expect(Number(cells[4]?.replace(/,/g, ""))).toBeGreaterThan(100_000);
    expect(cells[5]).toMatch(/^0x[0-9a-f]{8}…[0-9a-f]{6}$/);
    expect(Number(await page.textContent("#last-batch"))).toBe(last);
    await page.close();
  }, 180_000);

  it("should verify a recipient's statement in the browser and download it as CSV", async () => {
    const page = await open(`/dashboard?account=${CREATOR}`);
    await expect
      .poll(() => page.textContent("#statement-summary"), { timeout: 30_000 })
      .toMatch(/every line verified against the chain/);
    const api = (await s.api(`/v1/accounts/${CREATOR}/statement`)).body;
    const lines = api.lines as unknown[];
    expect(await page.locator("#statement tbody td.check.ok").count()).toBe(lines.length);
    expect(await page.textContent("#statement-summary")).toContain(
      `total ${(api.totals as { total: string }).total}`,
    );
    const claimable = (await s.read("claimable", [CREATOR])) as bigint;
    expect(await page.textContent('#account-view dd[data-field="claimable on chain"]')).toBe(
      String(claimable),
    );

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#csv")]);
    const file = join(mkdtempSync(join(tmpdir(), "dashboard-")), "statement.csv");
    await download.saveAs(file);
    expect(download.suggestedFilename()).toBe(`statement-${CREATOR}.csv`);
    const csv = await (await fetch(`${s.url}/v1/accounts/${CREATOR}/statement?format=csv`)).text();
    expect(readFileSync(file, "utf8")).toBe(csv);
    expect(csv.trim().split("\n")).toHaveLength(lines.length + 1);
    await page.close();
  }, 120_000);

  it("should mark the altered line of a lying sequencer's statement, not verify it", async () => {
    const liar = await lyingSequencer(s.url, (b) => {
      (b.lines[1] as { share: string }).share = "1";
    });
    try {
      const page = await open(`/dashboard?account=${CREATOR}`, liar.url);
      await expect
        .poll(() => page.textContent("#statement-summary"), { timeout: 30_000 })
        .toMatch(/^✗ batch \d+ leaf \d+: the share is 1, the split gives \d+/);
      expect(await page.locator("#statement tbody td.check.bad").count()).toBe(1);
      await page.close();
    } finally {
      liar.server.close();
    }
  }, 120_000);

  it("should show a payer's escrow and pending debits, and the backlog under load", async () => {
    const page = await open(`/dashboard?payer=${s.address("payerA")}&account=${CREATOR}`);
    await expect
      .poll(() => page.textContent('#payer-view dd[data-field="escrow"]'), { timeout: 20_000 })
      .toMatch(/^\d+$/);
    const payer = (await s.api(`/v1/payers/${s.address("payerA")}`)).body;
    expect(await page.textContent('#payer-view dd[data-field="escrow"]')).toBe(payer.escrow);
    // Load: more events than one batch holds; the backlog chart and the list follow them.
    const before = (await s.api("/v1/health")).body.lastBatch as number;
    const load = Array.from({ length: 40 }, (_, i) => ({
      assetId: BigInt(1 + (i % 2)),
      amount: BigInt(100 + i),
    }));
    await s
      .payer("payerA", undefined, {
        seq: BigInt(payer.nextSeq as string),
        head: BigInt(payer.head as string),
      })
      .submitMany(load);
    await expect
      .poll(async () => Number(await page.textContent("#last-batch")), { timeout: 60_000 })
      .toBeGreaterThan(before + 1);
    expect(await page.locator("#rate-chart polyline").count()).toBe(1);
    const shot = join(mkdtempSync(join(tmpdir(), "dashboard-")), "dashboard.png");
    await page.screenshot({ path: shot, fullPage: true });
    // `ROYALTY_DASHBOARD_SCREENSHOT=docs/dashboard.png npx vitest run test/dashboard` renews the
    // README's picture.
    if (process.env.ROYALTY_DASHBOARD_SCREENSHOT) {
      copyFileSync(shot, process.env.ROYALTY_DASHBOARD_SCREENSHOT);
    }
    await s.settled("payerA", [44n], 180_000);
    await page.close();
  }, 300_000);
});
