// How the SDK reaches a sequencer's HTTP API: fetch, retries with backoff, and the server's error
// answers decoded into RoyaltyApiError. No Node APIs: the dashboard runs it in a browser.
import type { ErrorCode } from "../core/error-codes.ts";
import { RoyaltyApiError } from "./errors.ts";

export interface TransportOptions {
  /** the sequencer's base URL; a trailing slash is dropped */
  baseUrl: string;
  /** attempts after a network error or a 5xx; default 5 */
  retries?: number;
  /** first retry delay, doubled each time; default 50 ms */
  retryDelayMs?: number;
  /**
   * an attempt that has no answer after this long is abandoned (and retried like a network
   * error): a server that accepts the connection but never answers cannot hang the caller;
   * default 30 s
   */
  timeoutMs?: number;
  /** a sentence added to SEQUENCER_UNREACHABLE's message: what the caller can do without it */
  unreachableHint?: string;
}

/** How an error answer becomes a RoyaltyApiError when the server's body does not say it all. */
export interface ApiErrorOptions {
  /** the code when the body has none; default SEQUENCER_ERROR (the status is in details) */
  fallbackCode?: ErrorCode;
  /** put before the server's message, e.g. "the sequencer refused the statement: " */
  prefix?: string;
}

/** A sequencer's error answer, `{ error: { code, message, details } }`, as a RoyaltyApiError. */
export function apiErrorOf(
  status: number,
  body: unknown,
  o: ApiErrorOptions = {},
): RoyaltyApiError {
  const e = (
    body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } }
  )?.error;
  return new RoyaltyApiError(
    status,
    e?.code ?? o.fallbackCode ?? "SEQUENCER_ERROR",
    `${o.prefix ?? ""}${e?.message ?? `HTTP ${status}`}`,
    e?.code ? e.details : { ...e?.details, status },
  );
}

/** A refusal (4xx) is final; a network error, an unreadable answer or a 5xx may pass. */
const retryable = (err: unknown) => !(err instanceof RoyaltyApiError && err.status < 500);

/**
 * Requests to one sequencer. A request that meets a network error or a 5xx is sent again, the
 * same, after `retryDelayMs`, then twice as long each time, up to `retries` times; with no
 * answer at the end it fails with code SEQUENCER_UNREACHABLE, naming the URL. POSTs are resent
 * too: only for endpoints the server is idempotent on (POST /v1/events is, per seq and content).
 */
export class SequencerTransport {
  readonly baseUrl: string;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly unreachableHint: string | undefined;
  private readonly timeoutMs: number;

  constructor(o: TransportOptions) {
    this.baseUrl = o.baseUrl.replace(/\/$/, "");
    this.retries = o.retries ?? 5;
    this.retryDelayMs = o.retryDelayMs ?? 50;
    this.unreachableHint = o.unreachableHint;
    this.timeoutMs = o.timeoutMs ?? 30_000;
  }

  /** GET `path` (from /v1/…): the first answer below 500, else the last 5xx answer. */
  get(path: string): Promise<Response> {
    return this.retrying(async (last) => {
      const res = await fetch(`${this.baseUrl}${path}`, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (res.status >= 500 && !last) throw apiErrorOf(res.status, undefined);
      return res;
    });
  }

  /** GET `path` as JSON: the body of a 2xx answer; any other answer's error thrown. */
  async getJson<T>(path: string, o: ApiErrorOptions = {}): Promise<T> {
    const res = await this.get(path);
    const body = (await res.json()) as T;
    if (!res.ok) throw apiErrorOf(res.status, body, o);
    return body;
  }

  /** As `getJson`, but undefined for a 404: the thing asked for does not exist (yet). */
  async find<T>(path: string): Promise<T | undefined> {
    try {
      return await this.getJson<T>(path);
    } catch (err) {
      if (err instanceof RoyaltyApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /**
   * POSTs a JSON text to `path` and answers its JSON body when the status is `expect`; another
   * status below 500 is thrown at once as the server's error, a 5xx after the retries.
   */
  post<T>(path: string, body: string, expect: number): Promise<T> {
    return this.retrying(async () => {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const json = (await res.json()) as T;
      if (res.status === expect) return json;
      throw apiErrorOf(res.status, json);
    });
  }

  /** Runs `once` until it succeeds or fails for good; `last` says no retry follows. */
  private async retrying<T>(once: (last: boolean) => Promise<T>): Promise<T> {
    let delay = this.retryDelayMs;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.retries;
      try {
        return await once(last);
      } catch (err) {
        if (last || !retryable(err)) throw this.unreachable(err);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }

  /** The server's own error as it is; anything else (no answer, no JSON) as SEQUENCER_UNREACHABLE. */
  private unreachable(err: unknown): unknown {
    if (err instanceof RoyaltyApiError) return err;
    const hint = this.unreachableHint ? ` ${this.unreachableHint}` : "";
    return new RoyaltyApiError(
      0,
      "SEQUENCER_UNREACHABLE",
      `the sequencer at ${this.baseUrl} does not answer (${(err as Error).message}): is it running, and is the URL right?${hint}`,
      undefined,
      err,
    );
  }
}
