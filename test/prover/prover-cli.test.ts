// The real `royalty prover` process, fed by a QueueProver in this process over a real Redis.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadParams } from "../../core/params.ts";
import { readVerificationKey, verifyProof } from "../../prover/groth16.ts";
import { type ProveResult, proveJobOf } from "../../prover/prove-job.ts";
import { QueueProver } from "../../prover/queue.ts";
import { sampleBatch } from "../../prover/sample-batch.ts";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";
import { runSetup } from "../../scripts/setup/setup.ts";
import { closedPort, deleteQueue, REDIS_URL, skipNote, uniqueQueueName } from "./redis-env.ts";

const params = loadParams("test");
const CLI = join(PROJECT_ROOT, "bin/royalty.mjs");
// The provers' pino lines, for a failing run to be read afterwards.
const LOG = join(tmpdir(), "royalty-prover-cli.log");
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

function spawnCli(args: string[]): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return child;
}

/** A `royalty prover` on `queue`, resolved once it prints its ready line; stderr lines go to `onLog`. */
async function startProver(
  url: string,
  queue: string,
  onLog: (line: string) => void = () => {},
): Promise<ChildProcess> {
  const child = spawnCli([
    "prover",
    "--redis",
    url,
    "--params",
    "test",
    "--workers",
    "1",
    "--queue",
    queue,
  ]);
  createInterface({ input: child.stderr! }).on("line", (line) => {
    appendFileSync(LOG, `${line}\n`);
    onLog(line);
  });
  for await (const line of createInterface({ input: child.stdout! })) {
    if (JSON.parse(line).ready) return child;
  }
  throw new Error(`royalty prover exited before it was ready (see ${LOG})`);
}

describe.skipIf(!REDIS_URL)(`royalty prover process${skipNote}`, () => {
  const url = REDIS_URL as string;
  const queue = uniqueQueueName("cli");
  let artifacts: Awaited<ReturnType<typeof runSetup>>["artifacts"];
  let sequencer: QueueProver;
  let vkey: unknown;

  beforeAll(async () => {
    artifacts = (await runSetup(params, { progress: false })).artifacts;
    vkey = readVerificationKey(artifacts.verificationKey);
    sequencer = await QueueProver.connect({ redis: url, params: "test", queue });
  });
  afterAll(async () => {
    await sequencer?.close();
    await deleteQueue(url, queue);
  });

  async function expectValid(result: ProveResult, batchNumber: number): Promise<void> {
    expect(result).toMatchObject({ ok: true, batchNumber });
    if (result.ok) {
      expect(await verifyProof(vkey, result.publicSignals.map(BigInt), result.proof)).toBe(true);
    }
  }

  it("should prove a batch sent through Redis; a batch sent while no prover runs is proven by the next one", async () => {
    const first = await startProver(url, queue);
    await expectValid(await sequencer.prove(proveJobOf(1, sampleBatch(params)), artifacts), 1);

    first.kill("SIGKILL"); // a crash: no goodbye to Redis
    await once(first, "exit");
    const pending = sequencer.prove(proveJobOf(2, sampleBatch(params, { events: 2 })), artifacts);
    const connection = new Redis(url, { maxRetriesPerRequest: null });
    const q = new Queue(queue, { connection });
    await expect.poll(() => q.getWaitingCount(), { timeout: 10_000 }).toBe(1);
    await q.close();
    connection.disconnect();

    const second = await startProver(url, queue);
    await expectValid(await pending, 2);
    second.kill("SIGKILL");
    await once(second, "exit");
  });

  it("should finish the job in flight on SIGTERM, then exit 0", async () => {
    let proving!: () => void;
    const started = new Promise<void>((resolve) => {
      proving = resolve;
    });
    const prover = await startProver(url, queue, (line) => {
      if (JSON.parse(line).msg === "proving") proving();
    });
    // Listened for from the start: the process may exit while the proof is being checked.
    const exited = once(prover, "exit");
    const result = sequencer.prove(proveJobOf(3, sampleBatch(params, { payers: 1 })), artifacts);
    await started;
    prover.kill("SIGTERM");
    await expectValid(await result, 3);
    const [code] = await exited;
    expect(code).toBe(0);
  });

  it("should put the job in flight back on the queue on a second SIGINT, for the next prover to prove", async () => {
    const seen = new Map<string, () => void>();
    const logged = (msg: string) => new Promise<void>((resolve) => seen.set(msg, resolve));
    const proving = logged("proving");
    const stopping = logged("stopping: finishing the jobs in flight");
    const released = logged("job released");
    const first = await startProver(url, queue, (line) => seen.get(JSON.parse(line).msg)?.());
    const exited = once(first, "exit");
    const result = sequencer.prove(proveJobOf(4, sampleBatch(params, { events: 3 })), artifacts);
    await proving;
    first.kill("SIGINT");
    await stopping; // two signals sent at once would arrive as one
    first.kill("SIGINT");
    await released;
    const [code] = await exited;
    expect(code).toBe(0);
    const second = await startProver(url, queue);
    await expectValid(await result, 4);
    second.kill("SIGTERM");
    await once(second, "exit");
  });
});

describe("royalty prover start-up errors", () => {
  it("should exit 1 with REDIS_UNREACHABLE, an actionable message and the cause when Redis does not answer", async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const child = spawnCli(["prover", "--redis", url, "--params", "test", "--workers", "1"]);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(1);
    const line = JSON.parse(stderr.trim().split("\n").at(-1) as string);
    expect(line).toMatchObject({ level: "error", code: "REDIS_UNREACHABLE" });
    expect(line.message).toContain(`${url}`);
    expect(line.message).toContain("--redis");
    expect(line.cause).toMatch(/ECONNREFUSED/);
  });
});
