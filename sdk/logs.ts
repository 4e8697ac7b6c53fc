import type { Abi, AbiEvent, Address, Log, PublicClient } from "viem";

export interface PagedLogsOptions {
  address: Address;
  /** events to read (decoded with their ABI items) */
  events: readonly AbiEvent[];
  /** indexed arguments to filter on, as viem's getLogs takes them */
  args?: Record<string, unknown>;
  fromBlock: bigint;
  /** last block to read; default: the latest */
  toBlock?: bigint;
  /** largest block range per eth_getLogs: public RPCs cap it (often 10,000, some 1,000) */
  maxRange?: bigint;
  /** attempts per page after an error (an HTTP 429, a timeout); default 5 */
  retries?: number;
  /** called after each page, for progress */
  onPage?: (toBlock: bigint, lastBlock: bigint) => void;
}

const RANGE_ERROR = /block range|range is too|too many|exceed|limited to|query returned more/i;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isRateLimit(error: unknown): boolean {
  const e = error as { status?: number; cause?: unknown; message?: string };
  if (e?.status === 429) return true;
  return e?.cause !== undefined && isRateLimit(e.cause);
}

/**
 * eth_getLogs page by page, as public RPCs require: each page at most `maxRange` blocks, halved
 * when the RPC says the range or the result is too large, and retried with backoff after other
 * errors such as rate limits (HTTP 429) or timeouts.
 */
export async function getLogsPaged(client: PublicClient, o: PagedLogsOptions): Promise<Log[]> {
  const last = o.toBlock ?? (await client.getBlockNumber());
  let range = o.maxRange ?? 10_000n;
  const retries = o.retries ?? 5;
  const logs: Log[] = [];
  let from = o.fromBlock;
  let attempt = 0;
  while (from <= last) {
    const to = from + range - 1n < last ? from + range - 1n : last;
    try {
      const page = await client.getLogs({
        address: o.address,
        events: o.events as Abi as AbiEvent[],
        ...(o.args ? { args: o.args } : {}),
        fromBlock: from,
        toBlock: to,
      } as Parameters<PublicClient["getLogs"]>[0]);
      logs.push(...(page as Log[]));
      o.onPage?.(to, last);
      from = to + 1n;
      attempt = 0;
    } catch (error) {
      if (!isRateLimit(error) && RANGE_ERROR.test(String((error as Error).message)) && to > from) {
        range = (to - from + 1n) / 2n;
        continue;
      }
      if (attempt >= retries) throw error;
      await sleep(200 * 2 ** attempt);
      attempt += 1;
    }
  }
  return logs;
}
