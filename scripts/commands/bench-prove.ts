import { availableParallelism } from "node:os";
import { RoyaltyError } from "../../core/errors.ts";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { MultiThreadProver } from "../../prover/multi-thread-prover.ts";
import { nativeProver, type ProverEngine } from "../../prover/native/index.ts";
import { ProverPool } from "../../prover/pool.ts";
import { type ProveResult, proveJobOf } from "../../prover/prove-job.ts";
import type { Prover } from "../../prover/prover.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { runSetup } from "../setup/setup.ts";

interface ConfigResult {
  config: string;
  engine: ProverEngine;
  batches: number;
  seconds: number;
  /** mean time of one proof, witness included, waiting for a worker excluded */
  msPerProof: number;
  proofsPerSecond: number;
  eventsProvenPerSecond: number;
  /** every proof of the run checked with snarkjs against the verification key */
  verified: number;
}

/**
 * `royalty bench prove`: proves the same full sample batch under each prover configuration, one
 * after the other in one run so the ratios are comparable on a shared machine: snarkjs in the
 * piscina pool with 1 and with 2 single-threaded workers and one proof at a time on snarkjs's
 * multi-threaded pool; then the native prover (prover/native) in the pool with one
 * single-threaded proof per worker and one proof at a time on every core. The native
 * configurations prove 4x as many batches (each takes a fraction of the time). Every proof is
 * verified afterwards; the last line is the native/snarkjs ratio of events proven per second.
 */
export async function benchProveCommand(opts: {
  params: string;
  batches: number;
  json?: boolean;
}): Promise<void> {
  const params = loadParams(opts.params);
  const { artifacts } = await runSetup(params, { progress: !opts.json });
  const vkey = readVerificationKey(artifacts.verificationKey);
  const built = sampleBatch(params);
  const events = built.heads.length;
  const cores = availableParallelism();
  const results: ConfigResult[] = [];
  const say = (line: string) => {
    if (!opts.json) console.log(line);
  };

  const run = async (
    config: string,
    engine: ProverEngine,
    prover: Prover,
    warmups: number,
    batches: number,
  ) => {
    try {
      // Warm-up: each worker loads its engine, the key and the witness calculator once.
      await Promise.all(
        Array.from({ length: warmups }, (_, i) =>
          prover.prove(proveJobOf(-1 - i, built), artifacts),
        ),
      );
      const t0 = performance.now();
      const proofs: ProveResult[] = await Promise.all(
        Array.from({ length: batches }, (_, i) =>
          prover.prove(proveJobOf(i + 1, built), artifacts),
        ),
      );
      const seconds = (performance.now() - t0) / 1000;
      let verified = 0;
      const ms: number[] = [];
      for (const r of proofs) {
        if (!r.ok)
          throw new RoyaltyError(r.code, `${config}: proof failed: ${r.message}`, {
            details: { config, batchNumber: r.batchNumber },
          });
        if (!(await verifyProof(vkey, r.publicSignals.map(BigInt), r.proof))) {
          throw new RoyaltyError(
            "BENCH_FAILED",
            `${config}: batch ${r.batchNumber}'s proof does not verify`,
          );
        }
        verified++;
        // Time in the worker, queueing for a free worker excluded.
        ms.push(r.witnessMs + r.proveMs);
      }
      const result: ConfigResult = {
        config,
        engine,
        batches,
        seconds: Math.round(seconds * 10) / 10,
        msPerProof: Math.round(ms.reduce((a, b) => a + b, 0) / ms.length),
        proofsPerSecond: Math.round((batches / seconds) * 1000) / 1000,
        eventsProvenPerSecond: Math.round(((batches * events) / seconds) * 10) / 10,
        verified,
      };
      results.push(result);
      say(
        `${config.padEnd(38)} ${batches} batches in ${result.seconds} s: ${result.msPerProof} ms per proof, ${result.proofsPerSecond} proofs/s, ${result.eventsProvenPerSecond} events proven/s, ${verified}/${batches} verified`,
      );
    } finally {
      await prover.close();
    }
  };

  for (const workers of [1, 2]) {
    await run(
      `snarkjs: pool ${workers} worker(s) x 1 thread`,
      "snarkjs",
      new ProverPool({ workers, engine: "snarkjs" }),
      workers,
      opts.batches,
    );
  }
  await run(
    "snarkjs: 1 at a time, multi-threaded",
    "snarkjs",
    new MultiThreadProver({ engine: "snarkjs" }),
    1,
    opts.batches,
  );

  const native = nativeProver();
  if (native.ok) {
    const batches = opts.batches * 4;
    for (const workers of [1, cores]) {
      await run(
        `native: pool ${workers} worker(s) x 1 thread`,
        "native",
        new ProverPool({ workers, engine: "native", threadsPerProof: 1 }),
        workers,
        batches,
      );
    }
    await run(
      `native: 1 at a time, ${cores} threads`,
      "native",
      new ProverPool({ workers: 1, engine: "native", threadsPerProof: cores }),
      1,
      batches,
    );
  } else {
    say(`native prover unavailable (${native.reason}): only snarkjs measured`);
  }

  const best = (engine: ProverEngine) =>
    results
      .filter((r) => r.engine === engine)
      .reduce<ConfigResult | undefined>(
        (a, r) => (!a || r.eventsProvenPerSecond > a.eventsProvenPerSecond ? r : a),
        undefined,
      );
  const snark = best("snarkjs");
  const fast = best("native");
  const ratio =
    snark && fast
      ? Math.round((fast.eventsProvenPerSecond / snark.eventsProvenPerSecond) * 100) / 100
      : null;
  if (snark && fast) {
    say(
      `native vs snarkjs: ${fast.eventsProvenPerSecond} / ${snark.eventsProvenPerSecond} events proven/s = ${ratio}x (${fast.config} / ${snark.config})`,
    );
  }
  if (opts.json) {
    console.log(
      JSON.stringify({
        params: params.name,
        events,
        results,
        snarkjs: snark
          ? { config: snark.config, eventsProvenPerSecond: snark.eventsProvenPerSecond }
          : null,
        native: fast
          ? { config: fast.config, eventsProvenPerSecond: fast.eventsProvenPerSecond }
          : null,
        ratio,
      }),
    );
  }
}
