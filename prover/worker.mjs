// Piscina worker entry: loads the TypeScript job handler through tsx (no build step).
import { register } from "tsx/esm/api";

register();
const { default: proveJob } = await import("./prove-job.ts");
export default proveJob;
