import type { Signature } from "../core/eddsa.ts";
import { invalid, RoyaltyError } from "../core/errors.ts";
import { genesisHead, MAX_EVENTS_PER_REQUEST, type RoyaltyEvent, refOf } from "../core/event.ts";
import { expandKey, fastSignHead, type SigningKey } from "../core/fast/eddsa.ts";
import { fastEventHash } from "../core/fast/event.ts";
import { addressToBigInt } from "../core/field.ts";
import type { EventProofInput } from "../core/merkle.ts";
import type { RollupInfo } from "./deployment.ts";
import { signingDefaults } from "./deployment.ts";
import { RoyaltyApiError } from "./errors.ts";
import { SequencerTransport } from "./transport.ts";

type Numberish = bigint | number | string;

export interface EventInput {
  assetId: Numberish;
  amount: Numberish;
  /** an integer below 2^189, or any text (a sale id), which is hashed to one (core `refOf`) */
  ref?: Numberish;
}

/** An event field as an integer: bigint, safe integer or decimal string, else INVALID_FIELD. */
function integerOf(field: string, v: Numberish): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" ? Number.isSafeInteger(v) : /^\s*\d+\s*$/.test(v)) return BigInt(v);
  throw new RoyaltyError("INVALID_FIELD", `'${field}' must be a non-negative integer, not '${v}'`, {
    details: { field, value: String(v) },
  });
}

export interface Ack {
  payer: string;
  seq: string;
  eventHash: string;
  head: string;
}

export interface RoyaltyClientOptions {
  baseUrl: string;
  /** the payer's 0x address */
  payer: string;
  /** the payer's Baby Jubjub private key (32 bytes), as core `signHead` takes it */
  privateKey: Uint8Array;
  /** Poseidon(chainId, rollupAddress) of the deployment */
  domain: bigint;
  /** seq of the next event; default 1 */
  startSeq?: bigint;
  /** head after the last event already accepted; default the genesis head (the domain) */
  startHead?: bigint;
  /**
   * also sign every k-th seq so batches can end inside a long request; default 16. Must not
   * exceed the deployment's N event slots: the sequencer refuses runs between signatures that no
   * batch could hold (422 RUN_TOO_LARGE).
   */
  signEvery?: number;
  /**
   * also sign an event once the events since the last signature touch this many distinct assets;
   * default 4, which keeps a run within the default set's asset slots (A = 8) and, with splits of
   * up to K = 4 recipients, its recipient slots (R = 16)
   */
  signAfterAssets?: number;
  /**
   * the deployment's batch sizes (`connect` sets them): the client then learns what one event of
   * each asset takes in a batch (its event slots, one more per parent of its lineage; its
   * lineage's assets and recipients: GET /v1/assets/:id `lineage`) and signs so that every run
   * fits one batch exactly, instead of the `signAfterAssets` estimate
   */
  batchLimits?: { N: number; A: number; R: number };
  /** how long submit() waits for more events before sending; default 5 ms */
  bufferMs?: number;
  /** most events per request; default 100, at most MAX_EVENTS_PER_REQUEST (1000) */
  maxEventsPerRequest?: number;
  /** attempts after a network error or a 5xx; default 5 */
  retries?: number;
  /** first retry delay, doubled each time; default 50 ms */
  retryDelayMs?: number;
}

/**
 * An event's fields as the API sends them (decimal strings) with the hash it claims and the
 * payer's head before it (absent for a rejected event).
 */
export interface EventJson {
  payer: string;
  seq: string;
  assetId: string;
  amount: string;
  ref: string;
  prevHead: string;
  eventHash: string;
}

/** An event's state as GET /v1/events/:payer/:seq reports it. */
export interface EventStatus extends EventJson {
  head: string;
  status: "accepted" | "batched" | "proven" | "settled" | "rejected";
  batch: number | null;
  leafIndex: number | null;
  reason?: string;
  /** once settled: the Merkle proof of the event under its batch's eventsRoot (`verifyReceipt`) */
  receipt?: { eventsRoot: string; txHash: string | null; proof: EventProofInput };
}

export interface ConnectOptions
  extends Omit<
    RoyaltyClientOptions,
    "baseUrl" | "domain" | "startSeq" | "startHead" | "payer" | "privateKey"
  > {
  /** the sequencer's base URL */
  sequencer: string;
  /**
   * the deployment: as `getDeployment` read it, or a `connectRollup` connection, whose account is
   * then the payer unless `payer` says another
   */
  deployment: RollupInfo | { info: RollupInfo; walletClient?: { account: { address: string } } };
  /** the payer's 0x address; default: the connection's account */
  payer?: string;
  /** the payer's Baby Jubjub key, as `createPayerKey`, `loadPayerKey` or `derivePayerKey` make it */
  key?: { privateKey: Uint8Array };
  /** the same key's 32 private bytes, when there is no PayerKey object */
  privateKey?: Uint8Array;
  /**
   * wait until the sequencer has read this block, e.g. the block of the payer's registration or
   * of an asset's registration, so that the first events are not refused as unknown
   */
  afterBlock?: bigint;
  /** how long to wait for `afterBlock`; default 120 s */
  timeoutMs?: number;
}

/** What one event of an asset takes in a batch (docs/protocol.md §3, §11). */
export interface AssetCost {
  slots: number;
  assetIds: readonly string[];
  recipientIds: readonly string[];
}

/** A signed request body, ready to send. */
export interface PreparedRequest {
  body: string;
  events: number;
}

interface Pending {
  wire: Record<string, unknown>;
  head: bigint;
  seq: bigint;
  resolve: (ack: Ack) => void;
  reject: (err: unknown) => void;
}

/** Wire form of one event (decimal strings), as POST /v1/events takes it. */
function toWire(payer: string, ev: RoyaltyEvent): Record<string, unknown> {
  return {
    payer,
    seq: ev.seq.toString(),
    assetId: ev.assetId.toString(),
    amount: ev.amount.toString(),
    ...(ev.ref === 0n ? {} : { ref: ev.ref.toString() }),
  };
}

const wireSignature = (s: Signature) => ({
  R8: [s.R8[0].toString(), s.R8[1].toString()],
  S: s.S.toString(),
});

/**
 * A payer's client: keeps the payer's hash chain, signs the last event of every request and
 * every k-th seq, buffers single submissions into bulk requests, and (by its `SequencerTransport`)
 * retries a request with the same seqs and content after network errors or 5xx answers (the
 * server is idempotent on them).
 *
 * Requests of one client go out one at a time, in seq order: the server accepts a payer's events
 * only in order, so pipelining would turn reordering into SEQ_GAP errors. After a 4xx the local
 * chain no longer matches the server's: the events queued behind the refused request fail with
 * the same error, and the next submission first resyncs from the server's view of the payer.
 *
 * @example
 * const rollup = await connectRollup({ deployment: "deployment.json", account });
 * const client = await RoyaltyClient.connect({ sequencer, deployment: rollup, key });
 * const ack = await client.submit({ assetId: 7n, amount: 1_000n });
 * await client.waitForSettlement(ack);
 */
export class RoyaltyClient {
  private readonly opts: Required<
    Omit<
      RoyaltyClientOptions,
      "startSeq" | "startHead" | "batchLimits" | "baseUrl" | "retries" | "retryDelayMs"
    >
  > &
    Pick<RoyaltyClientOptions, "batchLimits">;
  /** per asset id (decimal): what one of its events takes in a batch, as the sequencer said */
  private readonly costs = new Map<string, AssetCost>();
  private readonly key: SigningKey;
  private readonly http: SequencerTransport;
  private readonly payerInt: bigint;
  private nextSeqValue: bigint;
  private headValue: bigint;
  private buffer: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failure: RoyaltyApiError | undefined;
  private recovering: Promise<void> | undefined;

  /**
   * A client for a deployment: the domain and the signing cadence come from the contract's own
   * sizes, and the payer's chain resumes where the sequencer has it (GET /v1/payers/:address).
   */
  static async connect(o: ConnectOptions): Promise<RoyaltyClient> {
    const { sequencer, deployment, key, afterBlock, timeoutMs, ...rest } = o;
    const info = "info" in deployment ? deployment.info : deployment;
    const payer =
      o.payer ?? ("info" in deployment ? deployment.walletClient?.account.address : undefined);
    const privateKey = key?.privateKey ?? o.privateKey;
    if (!payer || !privateKey) {
      throw new RoyaltyError(
        "INVALID_FIELD",
        `RoyaltyClient.connect needs ${payer ? "the payer's key ('key' or 'privateKey')" : "the payer's address ('payer', or a connection with an account)"}`,
        { details: { field: payer ? "key" : "payer" } },
      );
    }
    const client = new RoyaltyClient({
      ...signingDefaults(info.sizes),
      batchLimits: { N: info.sizes.N, A: info.sizes.A, R: info.sizes.R },
      ...rest,
      payer,
      privateKey,
      baseUrl: sequencer,
      domain: info.domain,
    });
    if (afterBlock !== undefined) await client.waitForBlock(afterBlock, { timeoutMs });
    await client.resync();
    return client;
  }

  constructor(options: RoyaltyClientOptions) {
    this.opts = {
      signEvery: 16,
      signAfterAssets: 4,
      bufferMs: 5,
      maxEventsPerRequest: 100,
      ...options,
      payer: options.payer.toLowerCase(),
    };
    const most = this.opts.maxEventsPerRequest;
    if (!(most >= 1 && most <= MAX_EVENTS_PER_REQUEST)) {
      throw new RoyaltyError(
        "BAD_OPTION",
        `RoyaltyClient option 'maxEventsPerRequest' must be from 1 to ${MAX_EVENTS_PER_REQUEST} (MAX_EVENTS_PER_REQUEST), not ${most}`,
        { details: { option: "maxEventsPerRequest", value: most } },
      );
    }
    const { baseUrl, retries, retryDelayMs } = options;
    this.http = new SequencerTransport({ baseUrl, retries, retryDelayMs });
    this.payerInt = addressToBigInt("payer", this.opts.payer);
    this.key = expandKey(options.privateKey);
    this.nextSeqValue = options.startSeq ?? 1n;
    this.headValue = options.startHead ?? genesisHead(options.domain, this.payerInt);
  }

  get nextSeq(): bigint {
    return this.nextSeqValue;
  }
  get head(): bigint {
    return this.headValue;
  }
  get pubKey() {
    return this.key.pubKey;
  }

  /** Queues one event; it is sent with others that arrive within `bufferMs`. */
  submit(input: EventInput): Promise<Ack> {
    if (this.failure || this.recovering) return this.recover().then(() => this.submit(input));
    const p = new Promise<Ack>((resolve, reject) => {
      this.buffer.push({ ...this.chain(input), resolve, reject });
    });
    if (this.buffer.length >= this.opts.maxEventsPerRequest) this.flushBuffer();
    else this.timer ??= setTimeout(() => this.flushBuffer(), this.opts.bufferMs);
    return p;
  }

  /** Sends events now, in requests of at most maxEventsPerRequest. */
  submitMany(inputs: readonly EventInput[]): Promise<Ack[]> {
    if (this.failure || this.recovering) {
      return this.recover().then(() => this.submitMany(inputs));
    }
    this.flushBuffer();
    const acks = inputs.map(
      (input) =>
        new Promise<Ack>((resolve, reject) => {
          this.buffer.push({ ...this.chain(input), resolve, reject });
        }),
    );
    this.flushBuffer();
    return Promise.all(acks);
  }

  /**
   * Chains and signs events now and returns the request to send later with `send`: lets a caller
   * (a queue, a benchmark) pay for hashing and signing away from the moment of sending.
   * Prepared requests must be sent in the order they were prepared.
   */
  prepare(inputs: readonly EventInput[]): PreparedRequest {
    if (inputs.length < 1 || inputs.length > MAX_EVENTS_PER_REQUEST)
      invalid("events", `must hold 1..${MAX_EVENTS_PER_REQUEST} events`, inputs.length);
    const chained = inputs.map((input) => this.chain(input));
    // Assets the client has not learned (`learnAssets`) each get a run of their own.
    const events = this.signed(chained);
    return {
      body: JSON.stringify(events.length === 1 ? events[0] : { events }),
      events: events.length,
    };
  }

  /** Sends a prepared request, with the same retries as `submit`. */
  async send(request: PreparedRequest): Promise<Ack[]> {
    if (this.failure) throw this.failure;
    try {
      return await this.post(request.body);
    } catch (err) {
      if (err instanceof RoyaltyApiError && err.status < 500) this.failure = err;
      throw err;
    }
  }

  /** Waits until everything submitted so far is acknowledged or failed. */
  async flush(): Promise<void> {
    this.flushBuffer();
    await this.sending.catch(() => {});
  }

  /**
   * Sets the local chain to the server's view of the payer (a payer it has not seen starts at
   * seq 1), and forgets what it learned of assets (a refused run may come from a lineage that
   * grew). `connect` and the first submission after a refused request call it.
   */
  async resync(): Promise<void> {
    this.costs.clear();
    await this.flush();
    const payer = await this.http.find<{ nextSeq: string; head: string }>(
      `/v1/payers/${this.opts.payer}`,
    );
    this.nextSeqValue = payer ? BigInt(payer.nextSeq) : 1n;
    this.headValue = payer ? BigInt(payer.head) : genesisHead(this.opts.domain, this.payerInt);
    this.failure = undefined;
  }

  /** The event's status on the sequencer: accepted, batched, proven, settled or rejected. */
  async eventStatus(seq: bigint | string): Promise<EventStatus> {
    return this.http.getJson<EventStatus>(`/v1/events/${this.opts.payer}/${seq}`);
  }

  /**
   * Waits until the event (and so every earlier one of this payer) is settled on chain; fails
   * with code EVENT_REJECTED if the sequencer rejected it, or WAIT_TIMEOUT after `timeoutMs`.
   */
  async waitForSettlement(
    ack: Pick<Ack, "seq"> | bigint,
    o: { timeoutMs?: number; pollMs?: number } = {},
  ): Promise<EventStatus> {
    const seq = typeof ack === "bigint" ? ack : ack.seq;
    const deadline = Date.now() + (o.timeoutMs ?? 600_000);
    for (;;) {
      const status = await this.eventStatus(seq);
      if (status.status === "settled") return status;
      if (status.status === "rejected") {
        throw new RoyaltyApiError(
          409,
          "EVENT_REJECTED",
          `event ${seq} of payer ${this.opts.payer} was rejected: ${status.reason}`,
          { reason: status.reason },
        );
      }
      if (Date.now() > deadline) {
        throw new RoyaltyApiError(
          408,
          "WAIT_TIMEOUT",
          `event ${seq} of payer ${this.opts.payer} is still ${status.status} after ${o.timeoutMs ?? 600_000} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 500));
    }
  }

  /**
   * Waits until the sequencer's view of the contract has read `block` (GET /v1/health), so that
   * what a transaction of that block registered or deposited is known to it; WAIT_TIMEOUT after
   * `timeoutMs` (default 120 s).
   */
  async waitForBlock(
    block: bigint,
    o: { timeoutMs?: number; pollMs?: number } = {},
  ): Promise<void> {
    const timeoutMs = o.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const body = await this.http.getJson<{ chain?: { nextBlock: string } }>("/v1/health");
      if (!body.chain) return; // a sequencer without a chain watcher has nothing to wait for
      const next = BigInt(body.chain.nextBlock);
      if (next > block) return;
      if (Date.now() > deadline) {
        throw new RoyaltyApiError(
          408,
          "WAIT_TIMEOUT",
          `the sequencer has read the chain up to block ${next - 1n}, not yet block ${block}, after ${timeoutMs} ms: is its chain watcher behind or stopped (GET /v1/health)?`,
        );
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
    }
  }

  /** One resync for every submission that arrives while the client is failed or resyncing. */
  private recover(): Promise<void> {
    this.recovering ??= this.resync().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private chain(input: EventInput): Omit<Pending, "resolve" | "reject"> {
    const ev: RoyaltyEvent = {
      payer: this.payerInt,
      seq: this.nextSeqValue,
      assetId: integerOf("assetId", input.assetId),
      amount: integerOf("amount", input.amount),
      ref: typeof input.ref === "string" ? refOf(input.ref) : integerOf("ref", input.ref ?? 0n),
    };
    this.headValue = fastEventHash(this.headValue, ev);
    this.nextSeqValue += 1n;
    return { wire: toWire(this.opts.payer, ev), head: this.headValue, seq: ev.seq };
  }

  private flushBuffer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length > 0) {
      const chunk = this.buffer.splice(0, this.opts.maxEventsPerRequest);
      this.sending = this.sending.then(async () => {
        if (this.opts.batchLimits) await this.learnAssets(chunk.map((p) => p.wire.assetId));
        const events = this.signed(chunk);
        const body = JSON.stringify(events.length === 1 ? events[0] : { events });
        await this.sendChunk(chunk, body);
      });
    }
  }

  /**
   * Learns what one event of each asset takes in a batch (GET /v1/assets/:id), for assets not
   * learned yet; an asset the sequencer does not know (yet) stays unlearned. Never throws: an
   * unlearned asset only costs signatures.
   */
  async learnAssets(assetIds: Iterable<unknown>): Promise<void> {
    const unknown = [...new Set([...assetIds].map(String))].filter((id) => !this.costs.has(id));
    await Promise.all(
      unknown.map(async (id) => {
        try {
          const asset = await this.http.find<{ lineage?: AssetCost | null }>(`/v1/assets/${id}`);
          if (asset?.lineage) this.costs.set(id, asset.lineage);
        } catch {
          // unreachable now: the send itself will say so
        }
      }),
    );
  }

  /**
   * Wire events of one request, the signed ones with their signature: the last one and every
   * k-th seq, and with `batchLimits` each event after which the next would not fit the run's
   * batch (event slots, assets, recipients of every event's lineage), an unlearned asset's events
   * alone in their runs; without `batchLimits`, each event at which the run since the last
   * signature reaches `signAfterAssets` distinct assets.
   */
  private signed(chunk: readonly Omit<Pending, "resolve" | "reject">[]): Record<string, unknown>[] {
    const sign = this.opts.batchLimits
      ? this.runEnds(chunk, this.opts.batchLimits)
      : this.runEndsByAssets(chunk);
    return chunk.map((p, i) =>
      sign[i] ? { ...p.wire, signature: wireSignature(fastSignHead(this.key, p.head)) } : p.wire,
    );
  }

  private runEnds(
    chunk: readonly Omit<Pending, "resolve" | "reject">[],
    limits: { N: number; A: number; R: number },
  ): boolean[] {
    const sign = chunk.map(() => false);
    let slots = 0;
    let assets = new Set<string>();
    let recipients = new Set<string>();
    const end = (i: number) => {
      if (i >= 0) sign[i] = true;
      slots = 0;
      assets = new Set();
      recipients = new Set();
    };
    const grown = (have: Set<string>, add: readonly string[]) =>
      have.size + add.filter((x) => !have.has(x)).length;
    chunk.forEach((p, i) => {
      const cost = this.costs.get(String(p.wire.assetId));
      if (!cost) {
        if (slots > 0) end(i - 1);
        end(i);
        return;
      }
      const fits =
        slots + cost.slots <= limits.N &&
        grown(assets, cost.assetIds) <= limits.A &&
        grown(recipients, cost.recipientIds) <= limits.R;
      if (slots > 0 && !fits) end(i - 1);
      slots += cost.slots;
      for (const a of cost.assetIds) assets.add(a);
      for (const r of cost.recipientIds) recipients.add(r);
      if (i === chunk.length - 1 || p.seq % BigInt(this.opts.signEvery) === 0n) end(i);
    });
    return sign;
  }

  private runEndsByAssets(chunk: readonly Omit<Pending, "resolve" | "reject">[]): boolean[] {
    let assets = new Set<unknown>();
    return chunk.map((p, i) => {
      assets.add(p.wire.assetId);
      const sign =
        i === chunk.length - 1 ||
        p.seq % BigInt(this.opts.signEvery) === 0n ||
        assets.size >= this.opts.signAfterAssets;
      if (sign) assets = new Set();
      return sign;
    });
  }

  private async sendChunk(chunk: Pending[], body: string): Promise<void> {
    if (this.failure) {
      for (const p of chunk) p.reject(this.failure);
      return;
    }
    try {
      const acks = await this.post(body);
      chunk.forEach((p, i) => {
        p.resolve(acks[i] as Ack);
      });
    } catch (err) {
      if (err instanceof RoyaltyApiError && err.status < 500) this.failure = err;
      for (const p of chunk) p.reject(err);
    }
  }

  private async post(body: string): Promise<Ack[]> {
    return (await this.http.post<{ accepted: Ack[] }>("/v1/events", body, 202)).accepted;
  }
}
