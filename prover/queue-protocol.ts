// What the sequencer and `royalty prover` processes agree on when they meet in Redis
// (docs/protocol.md §13): queue name, job payload, job id and how a failure is reported.
import { createHash } from "node:crypto";
import { createReadStream, existsSync, statSync } from "node:fs";
import { codeFromWire, type ErrorCode, RoyaltyError } from "../core/errors.ts";
import type { CircuitParams } from "../core/params.ts";
import { artifactPaths } from "../scripts/setup/paths.ts";
import type { ProveJob, ProverArtifacts } from "./prove-job.ts";

/** One queue per parameter set: a prover only ever sees jobs its own circuit can prove. */
export function defaultQueueName(params: string): string {
  return `royalty-prove-${params}`;
}

/**
 * A BullMQ job's data: the ProveJob and where it must be proven, named by parameter set and zkey
 * hash, never by a local path.
 */
export interface QueuePayload {
  params: string;
  /** sha256 (hex) of the zkey the proof must be made with */
  zkeyHash: string;
  job: ProveJob;
}

/**
 * Same batch content, same id: a restarted sequencer asking again joins the job already queued
 * (or reads its stored result) instead of adding a second one. Other content (re-proving after a
 * split or key change, other keys) is another job.
 */
export function jobIdOf({ params, zkeyHash, job }: QueuePayload): string {
  const digest = createHash("sha256")
    .update(JSON.stringify([params, zkeyHash, job.input, job.expectedPublicSignals]))
    .digest("hex");
  return `batch-${job.batchNumber}-${digest.slice(0, 16)}`;
}

/**
 * A failed job's error. BullMQ keeps only its message, so the stable code travels in front of it
 * (`CODE: message`), and parseFailureReason reads it back on the sequencer's side.
 */
export function jobFailure(code: ErrorCode, message: string): RoyaltyError {
  return new RoyaltyError(code, `${code}: ${message}`);
}

/**
 * A failed job's reason read back: its code where this version catalogues it, else UNCATALOGUED
 * with the whole reason as the message; PROVER_JOB_FAILED for a reason without a code (BullMQ's
 * own, such as a job stalled twice).
 */
export function parseFailureReason(reason: string): { code: ErrorCode; message: string } {
  const match = /^([A-Z][A-Z0-9_]*): ([\s\S]*)$/.exec(reason);
  if (!match) return { code: "PROVER_JOB_FAILED", message: reason };
  const { code } = codeFromWire(match[1], "PROVER_JOB_FAILED");
  return { code, message: code === "UNCATALOGUED" ? reason : (match[2] as string) };
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
