// Proving throughput from the batch list (history survives a reload) and the backlog as sampled.
import type { BatchRow } from "./api.ts";

export const BUCKET_MS = 5_000;

/** Events proven per second in BUCKET_MS buckets, from the batches' proof times. */
export function provenRate(
  batches: readonly BatchRow[],
  now: number,
  windowMs: number,
): [number, number][] {
  const from = Math.floor((now - windowMs) / BUCKET_MS) * BUCKET_MS;
  const buckets = new Map<number, number>();
  for (let t = from; t <= now; t += BUCKET_MS) buckets.set(t, 0);
  for (const b of batches) {
    if (!b.provenAt || b.origin === "chain") continue;
    const t = Math.floor(Date.parse(b.provenAt) / BUCKET_MS) * BUCKET_MS;
    if (buckets.has(t)) buckets.set(t, (buckets.get(t) ?? 0) + b.eventCount);
  }
  return [...buckets].map(([t, n]) => [t + BUCKET_MS / 2, (n * 1000) / BUCKET_MS]);
}

/** Events proven per second over the last `ms` (the headline figure). */
export function recentRate(batches: readonly BatchRow[], now: number, ms = 60_000): number {
  let events = 0;
  for (const b of batches) {
    if (b.provenAt && b.origin !== "chain" && now - Date.parse(b.provenAt) <= ms) {
      events += b.eventCount;
    }
  }
  return events / (ms / 1000);
}
