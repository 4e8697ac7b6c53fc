// The native prover as a prover configuration: in the piscina pool (one single-threaded proof
// per worker, or one worker with every core) and as the one-at-a-time prover; and the snarkjs
// fallback, said in the log, where the addon is not available.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { MultiThreadProver } from "../../prover/multi-thread-prover.ts";
import { ProverPool } from "../../prover/pool.ts";
import { type ProveResult, proveJobOf } from "../../prover/prove-job.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";
import { runSetup } from "../../scripts/setup/setup.ts";
import { nativeMissing, nativeSkipNote } from "./native-env.ts";

const params = loadParams("test");
let artifacts: Awaited<ReturnType<typeof runSetup>>["artifacts"];
let vkey: unknown;
const closing: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  artifacts = (await runSetup(params, { progress: false })).artifacts;
  vkey = readVerificationKey(artifacts.verificationKey);
});
afterAll(async () => {
  await Promise.all(closing.map((p) => p.close()));
});

async function expectValid(results: ProveResult[], batchNumbers: number[]) {
  expect(results.map((r) => r.batchNumber)).toEqual(batchNumbers);
  for (const r of results) {
    expect(r.ok, r.ok ? "" : `${r.code}: ${r.message}`).toBe(true);
    if (!r.ok) continue;
    expect(await verifyProof(vkey, r.publicSignals.map(BigInt), r.proof)).toBe(true);
  }
}

describe.skipIf(nativeMissing)(`native prover configurations${nativeSkipNote}`, () => {
  it("should prove in the pool, one single-threaded native proof per worker, each valid", async () => {
    const pool = new ProverPool({ workers: 2, engine: "native", threadsPerProof: 1 });
    closing.push(pool);
    expect(pool.engine).toBe("native");
    const batches = [sampleBatch(params), sampleBatch(params, { events: 2 }), sampleBatch(params)];
    const results = await Promise.all(
      batches.map((b, i) => pool.prove(proveJobOf(i + 1, b), artifacts)),
    );
    await expectValid(results, [1, 2, 3]);
    // A batch that violates the circuit is a result with a code, and the worker keeps working.
    const bad = sampleBatch(params);
    const input = structuredClone(bad.input);
    input.eventAmount = ["0", ...(input.eventAmount as string[]).slice(1)];
    expect(await pool.prove({ ...proveJobOf(9, bad), input }, artifacts)).toMatchObject({
      ok: false,
      code: "WITNESS_FAILED",
    });
    await expectValid([await pool.prove(proveJobOf(10, bad), artifacts)], [10]);
  });

  it("should prove one batch at a time on every core, in the pool and on the calling thread", async () => {
    const pool = new ProverPool({
      workers: 1,
      engine: "native",
      threadsPerProof: availableParallelism(),
    });
    const multi = new MultiThreadProver({ engine: "native" });
    closing.push(pool, multi);
    expect(multi.engine).toBe("native");
    const built = sampleBatch(params);
    await expectValid(
      await Promise.all([
        pool.prove(proveJobOf(1, built), artifacts),
        pool.prove(proveJobOf(2, built), artifacts),
      ]),
      [1, 2],
    );
    await expectValid(
      await Promise.all([
        multi.prove(proveJobOf(3, built), artifacts),
        multi.prove(proveJobOf(4, built), artifacts),
      ]),
      [3, 4],
    );
  });
});

describe("without the native addon", () => {
  it("should fall back to snarkjs, say so in the log, and still prove", () => {
    // A script file (tsx cannot load `-e` input as a module) importing the project by path.
    const at = (path: string) => JSON.stringify(join(PROJECT_ROOT, path));
    const script = join(mkdtempSync(join(tmpdir(), "royalty-fallback-")), "fallback.mts");
    writeFileSync(
      script,
      `
      import { ProverPool } from ${at("prover/pool.ts")};
      import { proveJobOf } from ${at("prover/prove-job.ts")};
      import { loadParams } from ${at("core/params.ts")};
      import { sampleBatch } from ${at("prover/sample-batch.ts")};
      import { localArtifacts } from ${at("prover/queue-protocol.ts")};
      const params = loadParams("test");
      const pool = new ProverPool({ workers: 1 });
      const r = await pool.prove(proveJobOf(1, sampleBatch(params)), localArtifacts(params));
      await pool.close();
      console.log(JSON.stringify({ engine: pool.engine, ok: r.ok }));
    `,
    );
    const child = spawnSync(process.execPath, ["--import", "tsx", script], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, ROYALTY_NATIVE_PROVER: "0" },
    });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stderr).toMatch(
      /native prover unavailable \(disabled by ROYALTY_NATIVE_PROVER=0\); proving with snarkjs/,
    );
    expect(JSON.parse(child.stdout.trim().split("\n").pop() as string)).toEqual({
      engine: "snarkjs",
      ok: true,
    });
  });
});
