// GET /v1/health and royalty_degraded{reason} of `royalty sequencer` on a Hardhat node over HTTP:
// degraded, with the reason, while settlement or proving is stalled; ok again once it moves.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { endScenario, killAll, Scenario, waitFor } from "./harness.ts";

afterEach(() => endScenario());
afterAll(() => killAll());

const ev = (assetId: bigint, amount: bigint) => ({ assetId, amount });

async function degradedFor(s: Scenario, reason: string) {
  const health = await waitFor(
    async () => {
      const { body } = await s.api("/v1/health");
      const reasons = body.reasons as { reason: string; message: string }[];
      return body.status === "degraded" && reasons.some((r) => r.reason === reason) && body;
    },
    60_000,
    `/v1/health degraded for ${reason}`,
  );
  const metrics = await (await fetch(`${s.url}/metrics`)).text();
  expect(metrics).toContain(`royalty_degraded{reason="${reason}"} 1`);
  return health;
}

async function healthy(s: Scenario) {
  await waitFor(
    async () => (await s.api("/v1/health")).body.status === "ok",
    60_000,
    "/v1/health ok again",
  );
  expect(await (await fetch(`${s.url}/metrics`)).text()).not.toMatch(/royalty_degraded\{[^}]*\} 1/);
}

describe("sequencer health", () => {
  it("should say settlement_stalled while settlements are not mined, and ok once they are", async () => {
    const s = await Scenario.create();
    await s.startSequencer({ args: ["--stall-seconds", "2"] });
    expect((await s.api("/v1/health")).body).toMatchObject({ status: "ok", reasons: [] });

    await s.hold(); // the settlement is sent but never mined
    await s.payer("payerA").submitMany([ev(1n, 100n), ev(2n, 200n)]);
    const health = await degradedFor(s, "settlement_stalled");
    expect(JSON.stringify(health.reasons)).toMatch(
      /proven events have waited \d+ s and no batch settled/,
    );

    await s.release();
    await s.settled("payerA", [1n, 2n]);
    await healthy(s);
  }, 300_000);

  it("should say proving_stalled while batches wait and no prover runs", async () => {
    const s = await Scenario.create();
    await s.startSequencer({ args: ["--stall-seconds", "2", "--provers", "0"] });
    await s.payer("payerB").submitMany([ev(1n, 300n)]);
    const health = await degradedFor(s, "proving_stalled");
    expect(JSON.stringify(health.reasons)).toMatch(/waited \d+ s for a proof and none was made/);
    expect(health.queues).toMatchObject({ batched: 1 });
  }, 300_000);
});
