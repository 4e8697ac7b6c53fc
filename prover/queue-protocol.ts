// What the sequencer and `royalty prover` processes agree on when they meet in Redis
// (docs/protocol.md §13): queue name, job payload, job id and how a failure is reported.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import type { CircuitInput } from "../core/batch.ts";
import { RoyaltyError } from "../core/errors.ts";
import type { CircuitParams } from "../core/params.ts";
import { artifactPaths } from "../scripts/setup/paths.ts";
import type { ProverArtifacts } from "./groth16.ts";

/** One queue per parameter set: a prover only ever sees jobs its own circuit can prove. */
export function defaultQueueName(params: string): string {
  return `royalty-prove-${params}`;
}

/** The job's data in Redis. Artifacts are named by set and zkey hash, never by a local path. */
export interface QueueProveJob {
  batchNumber: number;
  params: string;
  /** sha256 (hex) of the zkey the proof must be made with */
  zkeyHash: string;
  input: CircuitInput;
  expectedPublicSignals: string[];
}

/**
 * Same batch content, same id: a restarted sequencer asking again joins the job already queued
 * (or reads its stored result) instead of adding a second one. Other content (re-proving after a
 * split or key change, other keys) is another job.
 */
export function jobIdOf(job: QueueProveJob): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([job.params, job.zkeyHash, job.input, job.expectedPublicSignals]))
    .digest("hex");
  return `batch-${job.batchNumber}-${digest.slice(0, 16)}`;
}

/** BullMQ keeps only a failed job's message: the stable code travels in front of it. */
export function failureReason(code: string, message: string): string {
  return `${code}: ${message}`;
}

export function parseFailureReason(reason: string): { code: string; message: string } {
  const match = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(reason);
  return match
    ? { code: match[1] as string, message: match[2] as string }
    : { code: "PROVER_JOB_FAILED", message: reason };
}

const hashes = new Map<string, { size: number; mtimeMs: number; hash: Promise<string> }>();

/**
 * sha256 of a file, streamed (a default-set zkey is tens of MB) and cached until the file's size
 * or mtime changes, so re-running setup under a live process is noticed.
 */
export function fileSha256(path: string): Promise<string> {
  const { size, mtimeMs } = statSync(path);
  const cached = hashes.get(path);
  if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.hash;
  const hash = new Promise<string>((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => h.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(h.digest("hex")));
  });
  hash.catch(() => hashes.delete(path));
  hashes.set(path, { size, mtimeMs, hash });
  return hash;
}

/** This machine's own artifacts of a set; PARAMS_NOT_SET_UP when `royalty setup` has not run. */
export function localArtifacts(params: CircuitParams): ProverArtifacts {
  const paths = artifactPaths(params);
  const missing = [paths.wasm, paths.witnessCalculator, paths.zkey].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new RoyaltyError(
      "PARAMS_NOT_SET_UP",
      `parameter set '${params.name}' is not set up on this machine: run \`royalty setup --params ${params.name}\` on one machine and copy its build/${params.name}/ to the sequencer and every prover (each setup run makes new random keys)`,
      { details: { missing } },
    );
  }
  return { wasm: paths.wasm, witnessCalculator: paths.witnessCalculator, zkey: paths.zkey };
}
