import { Redis, type RedisOptions } from "ioredis";
import { RoyaltyError } from "../core/errors.ts";

/** The URL without its password, for messages and logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}

/**
 * A connection for BullMQ. `blocking` ones (Worker, QueueEvents) must retry commands forever,
 * as BullMQ requires; the Queue's own fails commands after a few reconnects so that adding a job
 * while Redis is down comes back as an error (the batch is retried) instead of hanging.
 */
export function redisConnection(url: string, blocking: boolean): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: blocking ? null : 5 };
  return new Redis(url, options);
}

/**
 * Fails fast, with an actionable message, when nothing answers at `url`: a process started
 * against a dead Redis would otherwise wait silently while ioredis reconnects.
 */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  let client: Redis | undefined;
  let lastError: Error | undefined;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: timeoutMs,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // ioredis rejects with "Connection is closed."; the event carries the real cause (ECONNREFUSED).
    client.on("error", (error) => {
      lastError = error;
    });
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new RoyaltyError(
      "REDIS_UNREACHABLE",
      `cannot reach Redis at ${redactRedisUrl(url)}: start redis-server there, or pass the right URL with --redis (env ROYALTY_REDIS_URL)`,
      { details: { url: redactRedisUrl(url) }, cause: lastError ?? error },
    );
  } finally {
    client?.disconnect();
  }
}
