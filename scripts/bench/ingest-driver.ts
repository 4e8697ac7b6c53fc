// Load driver of `royalty bench ingest`, run in its own process (forked by
// scripts/commands/bench-ingest.ts) so that client work does not share the server's event loop.
// Protocol over IPC: {type:"prepare", ...} -> {type:"ready"}; {type:"go"} -> {type:"done", ...}.
import { type PreparedRequest, RoyaltyClient } from "../../sdk/index.ts";

export interface DriverConfig {
  type: "prepare";
  url: string;
  domain: string;
  payers: { address: string; privateKeyHex: string }[];
  eventsPerRequest: number;
  requestsPerPayer: number;
  seconds: number;
}

export interface DriverResult {
  type: "done";
  events: number;
  requests: number;
  elapsedMs: number;
  latenciesMs: number[];
  errors: string[];
}

let clients: { client: RoyaltyClient; requests: PreparedRequest[] }[] = [];
let config: DriverConfig;

function prepare(c: DriverConfig): void {
  config = c;
  clients = c.payers.map((p, k) => {
    const client = new RoyaltyClient({
      baseUrl: c.url,
      payer: p.address,
      privateKey: Buffer.from(p.privateKeyHex, "hex"),
      domain: BigInt(c.domain),
      // The bench's 4 assets have 3 recipients each: any run fits the default set's A = 8 and
      // R = 16, so signatures come every 16th event (and at each request's end), as documented.
      signAfterAssets: 8,
    });
    // Pre-signed by the SDK: the window below measures the server, not this process's hashing.
    const requests = Array.from({ length: c.requestsPerPayer }, (_, r) =>
      client.prepare(
        Array.from({ length: c.eventsPerRequest }, (_, i) => ({
          assetId: BigInt(1 + ((k + r + i) % 4)),
          amount: 1_000_000n + BigInt(i),
        })),
      ),
    );
    return { client, requests };
  });
}

async function go(): Promise<DriverResult> {
  const start = performance.now();
  const deadline = start + config.seconds * 1000;
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  let events = 0;
  let last = start;
  await Promise.all(
    clients.map(async ({ client, requests }) => {
      for (const req of requests) {
        if (performance.now() >= deadline) return;
        const t = performance.now();
        try {
          await client.send(req);
        } catch (err) {
          errors.push(String((err as Error).message));
          return;
        }
        last = performance.now();
        latenciesMs.push(last - t);
        events += req.events;
      }
    }),
  );
  return {
    type: "done",
    events,
    requests: latenciesMs.length,
    elapsedMs: last - start,
    latenciesMs,
    errors,
  };
}

process.on("message", async (msg: DriverConfig | { type: "go" }) => {
  if (msg.type === "prepare") {
    prepare(msg);
    process.send?.({ type: "ready" });
  } else if (msg.type === "go") {
    process.send?.(await go());
    process.exit(0);
  }
});
