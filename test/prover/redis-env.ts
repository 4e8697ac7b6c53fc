// Which Redis the queue tests use. Without ROYALTY_TEST_REDIS_URL they skip, saying why, except
// under CI, where they run against the default URL and fail if .ci/run did not start Redis.
import { Queue } from "bullmq";
import { Redis } from "ioredis";

const ci = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";

export const REDIS_URL =
  process.env.ROYALTY_TEST_REDIS_URL ?? (ci ? "redis://127.0.0.1:6379" : undefined);

/** Appended to a describe title: vitest then lists the skipped tests with the reason. */
export const skipNote = REDIS_URL
  ? ""
  : " [skipped: ROYALTY_TEST_REDIS_URL is unset; start redis-server and set it to run]";
if (!REDIS_URL) console.warn(`queue tests${skipNote}`);

/** A queue of its own per test run, so concurrent or repeated runs never see each other's jobs. */
export function uniqueQueueName(tag: string): string {
  return `royalty-test-${tag}-${process.pid}-${Date.now().toString(36)}`;
}

export async function deleteQueue(url: string, name: string): Promise<void> {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection });
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  connection.disconnect();
}

/** A local port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
