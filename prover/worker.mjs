// Piscina worker entry: loads the TypeScript job handler through tsx (no build step).
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { default: proveJob } = await import("./prove-job.ts");
// One export per engine (ProverPool runs the one named after its engine). Only the job:
// piscina may pass more arguments, and proveJob's second one picks threading.
export const snarkjs = (job) => proveJob(job);
export const native = (job) =>
  proveJob(job, { singleThread: true, engine: "native", threads: workerData?.nativeThreads ?? 1 });
export default snarkjs;
