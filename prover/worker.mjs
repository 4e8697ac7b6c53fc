// Piscina worker entry: loads the TypeScript prover through tsx (no build step).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { proveJob } = await import("./prove-job.ts");
// One export per engine (ProverPool runs the one named after its engine), each taking a
// WorkerTask (pool.ts). A worker proves many jobs of one build: it keeps the witness calculator.
export const snarkjs = ({ job, artifacts }) =>
  proveJob(job, artifacts, { singleThread: true, reuseCalculator: true });
export const native = ({ job, artifacts }) =>
  proveJob(job, artifacts, {
    engine: "native",
    threads: workerData?.nativeThreads ?? 1,
    reuseCalculator: true,
  });
export default snarkjs;
