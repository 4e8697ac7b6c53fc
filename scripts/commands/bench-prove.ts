import { loadParams } from "../../core/params.ts";
import { MultiThreadProver } from "../../prover/multi-thread-prover.ts";
import { ProverPool } from "../../prover/pool.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { runSetup } from "../setup/setup.ts";

interface ConfigResult {
  config: string;
  batches: number;
  seconds: number;
  /** mean time of one proof, witness included, waiting for a worker excluded */
  msPerProof: number;
  proofsPerSecond: number;
  eventsProvenPerSecond: number;
}

/**
 * `royalty bench prove`: proves the same full sample batch `batches` times under each prover
 * configuration, one after the other in one run so the ratios are comparable on a shared machine:
 * the piscina pool with 1 and with 2 single-threaded workers (several batches at once), and one
 * proof at a time with snarkjs's own multi-threaded pool on the main thread.
 */
export async function benchProveCommand(opts: {
  params: string;
  batches: number;
  json?: boolean;
}): Promise<void> {
  const params = loadParams(opts.params);
  const { artifacts } = await runSetup(params, { progress: !opts.json });
  const built = sampleBatch(params);
  const events = built.heads.length;
  const results: ConfigResult[] = [];
  const record = (config: string, seconds: number, proofMs: number[]) => {
    const r: ConfigResult = {
      config,
      batches: proofMs.length,
      seconds: Math.round(seconds * 10) / 10,
      msPerProof: Math.round(proofMs.reduce((a, b) => a + b, 0) / proofMs.length),
      proofsPerSecond: Math.round((proofMs.length / seconds) * 1000) / 1000,
      eventsProvenPerSecond: Math.round(((proofMs.length * events) / seconds) * 10) / 10,
    };
    results.push(r);
    if (!opts.json) {
      console.log(
        `${r.config.padEnd(34)} ${r.batches} batches in ${r.seconds} s: ${r.msPerProof} ms per proof, ${r.proofsPerSecond} proofs/s, ${r.eventsProvenPerSecond} events proven/s`,
      );
    }
  };

  for (const workers of [1, 2]) {
    const pool = new ProverPool({ workers });
    // Warm-up: each worker loads snarkjs and the witness calculator once.
    await Promise.all(
      Array.from({ length: workers }, (_, i) => pool.prove(-1 - i, artifacts, built)),
    );
    const t0 = performance.now();
    const proofs = await Promise.all(
      Array.from({ length: opts.batches }, async (_, i) => {
        const r = await pool.prove(i + 1, artifacts, built);
        if (!r.ok) throw new Error(`proof failed: ${r.code} ${r.message}`);
        // Time in the worker, queueing for a free worker excluded.
        return r.witnessMs + r.proveMs;
      }),
    );
    record(`pool ${workers} worker(s) x 1 thread`, (performance.now() - t0) / 1000, proofs);
    await pool.close();
  }

  const multi = new MultiThreadProver();
  await multi.prove(0, artifacts, built);
  const t0 = performance.now();
  const proofs: number[] = [];
  for (const r of await Promise.all(
    Array.from({ length: opts.batches }, (_, i) => multi.prove(i + 1, artifacts, built)),
  )) {
    if (!r.ok) throw new Error(`proof failed: ${r.code} ${r.message}`);
    proofs.push(r.witnessMs + r.proveMs);
  }
  record("1 at a time, snarkjs multi-threaded", (performance.now() - t0) / 1000, proofs);

  if (opts.json) console.log(JSON.stringify({ params: params.name, events, results }));
}
