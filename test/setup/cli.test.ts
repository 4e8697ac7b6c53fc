import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";

const run = promisify(execFile);

/** Runs the real CLI the way `npm run royalty -- …` does. */
async function royalty(...args: string[]) {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
    cwd: PROJECT_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim().split("\n");
}

describe("royalty CLI", () => {
  it("circuit-info --json should print one JSON line with the circuit's figures", async () => {
    const lines = await royalty("circuit-info", "--params", "test", "--json");
    expect(lines).toHaveLength(1);
    const info = JSON.parse(lines[0] as string);
    expect(info).toMatchObject({
      lineageDepth: 1,
      constraints: 12_139,
      eventSlots: 4,
      ptauPower: 14,
    });
    expect(Math.abs(info.constraintsPerEvent - 12_139 / 4)).toBeLessThan(0.051);
  });

  it("circuit-info --lineage-depth 0 should build the set without lineage: the count before it", async () => {
    const lines = await royalty(
      "circuit-info",
      "--params",
      "test",
      "--lineage-depth",
      "0",
      "--json",
    );
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      params: "test-d0",
      lineageDepth: 0,
      constraints: 12_113,
    });
  });

  it("prove --json should make and verify a proof and print witness and proof times", async () => {
    const lines = await royalty("prove", "--params", "test", "--json");
    const result = JSON.parse(lines[lines.length - 1] as string);
    expect(result).toMatchObject({
      params: "test",
      events: 4,
      valid: true,
      rejectsTamperedPublicSignal: true,
    });
    expect(result.witnessMs).toBeGreaterThan(0);
    expect(result.proveMs).toBeGreaterThan(0);
  });

  it("gas-report --json should print one line of rows for l1 and op beside the baseline", async () => {
    const lines = await royalty("gas-report", "--params", "test", "--json");
    const report = JSON.parse(lines[lines.length - 1] as string);
    // l1 and op full batches, then l1 with every event climbing the test set's D = 1 parent.
    expect(
      report.rows.map((r: { chain: string; lineage: boolean }) => [r.chain, r.lineage]),
    ).toEqual([
      ["l1", false],
      ["op", false],
      ["l1", true],
    ]);
    expect(report.rows.map((r: { events: number }) => r.events)).toEqual([4, 4, 2]);
    for (const row of report.rows) {
      expect(Object.keys(row)).toEqual(
        expect.arrayContaining([
          "params",
          "chain",
          "gasPerBatch",
          "gasPerEvent",
          "baselineGasPerEvent",
        ]),
      );
      expect(row.gasPerEvent).toBe(Math.round(row.gasPerBatch / row.events));
    }
    expect(report.rows[1].l1DataGas).toBeGreaterThan(0);
  });

  it("should fail with a stable error code on an unknown parameter set", async () => {
    await expect(royalty("circuit-info", "--params", "nope", "--json")).rejects.toMatchObject({
      stderr: expect.stringContaining('"code":"UNKNOWN_PARAMS"'),
    });
  });
});
