// The queue's wire rules (docs/protocol.md §13) that need no Redis: the job id and the failure reason.
import { describe, expect, it } from "vitest";
import type { CircuitInput } from "../../core/batch.ts";
import { RoyaltyError } from "../../core/errors.ts";
import type { ProveJob } from "../../prover/prove-job.ts";
import { jobFailure, jobIdOf, parseFailureReason } from "../../prover/queue-protocol.ts";

const job: ProveJob = {
  batchNumber: 7,
  input: { eventAmount: ["1000", "0"], root: "5" } as unknown as CircuitInput,
  expectedPublicSignals: ["1", "2"],
};
const payload = { params: "test", zkeyHash: "ab".repeat(32), job };

describe("jobIdOf", () => {
  it("should give the id of the job's content, the same as before the payload held the job whole", () => {
    // Pinned: a sequencer restarted across versions joins the job (or stored result) it asked for.
    expect(jobIdOf(payload)).toBe("batch-7-29efd85c5053fae3");
    expect(jobIdOf(structuredClone(payload))).toBe(jobIdOf(payload));
    expect(jobIdOf({ ...payload, job: { ...job, expectedPublicSignals: ["1", "3"] } })).not.toBe(
      jobIdOf(payload),
    );
    expect(jobIdOf({ ...payload, zkeyHash: "cd".repeat(32) })).not.toBe(jobIdOf(payload));
  });
});

describe("parseFailureReason", () => {
  it("should read a catalogued code back, and keep a reason without one or with an unknown one whole", () => {
    expect(parseFailureReason("ZKEY_MISMATCH: job needs zkey sha256 ab: copy it")).toEqual({
      code: "ZKEY_MISMATCH",
      message: "job needs zkey sha256 ab: copy it",
    });
    expect(parseFailureReason("job stalled more than allowable limit")).toEqual({
      code: "PROVER_JOB_FAILED",
      message: "job stalled more than allowable limit",
    });
    expect(parseFailureReason("FROM_A_NEWER_PROVER: something")).toEqual({
      code: "UNCATALOGUED",
      message: "FROM_A_NEWER_PROVER: something",
    });
  });
});

describe("jobFailure", () => {
  it("should be a RoyaltyError whose message is the reason the sequencer reads back", () => {
    const error = jobFailure("ZKEY_MISMATCH", "job needs zkey sha256 ab: copy build/test/ here");
    expect(error).toBeInstanceOf(RoyaltyError);
    expect(error.code).toBe("ZKEY_MISMATCH");
    expect(error.message).toBe("ZKEY_MISMATCH: job needs zkey sha256 ab: copy build/test/ here");
    expect(parseFailureReason(error.message)).toEqual({
      code: "ZKEY_MISMATCH",
      message: "job needs zkey sha256 ab: copy build/test/ here",
    });
  });
});
