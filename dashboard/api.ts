// The sequencer's HTTP API as the page reads it: same origin, JSON, errors as sentences.

/** GET a JSON document of the sequencer; throws the API's own error message on a 4xx/5xx. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: "application/json" } });
  const body = (await res.json()) as T & { error?: { code: string; message: string } };
  if (!res.ok) throw new Error(`${body.error?.code ?? res.status}: ${body.error?.message ?? path}`);
  return body;
}

export interface BatchRow {
  number: number;
  status: "batched" | "proven" | "settled";
  origin: "sequencer" | "chain";
  eventCount: number;
  createdAt: string | null;
  provenAt: string | null;
  settledAt: string | null;
  proofSeconds: number | null;
  txHash: string | null;
  gasUsed: string | null;
}

export interface Health {
  status: "ok" | "degraded";
  reasons?: string[];
  lastBatch: number;
  settledBatches: string;
  queues: { accepted: number; batched: number; proven: number };
}

export interface DeploymentInfo {
  chainId: number | null;
  rollup: `0x${string}` | null;
  deployBlock: string | null;
  params: import("../core/params.ts").CircuitParams;
  rpc: string | null;
}

/** Replaces an element's text (and optional class) only when it changed: no flicker. */
export function setText(id: string, text: string, className?: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  if (el.textContent !== text) el.textContent = text;
  if (className !== undefined && el.className !== className) el.className = className;
}

/** A table cell with text (never HTML: every value comes from the network). */
export function cell(text: string, className?: string): HTMLTableCellElement {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export const short = (hex: string | null) => (hex ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : "–");
