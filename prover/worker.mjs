// Piscina worker entry: loads the TypeScript job handler through tsx (no build step).
import { register } from "tsx/esm/api";

register();
const { default: proveJob } = await import("./prove-job.ts");
// Only the job: piscina may pass more arguments, and proveJob's second one picks threading.
export default (job) => proveJob(job);
