// The dashboard: built from the sequencer's public API alone, polled once a second; the
// recipient's statement is checked against the chain in the browser (recipient.ts).
import { type BatchRow, type DeploymentInfo, getJson, type Health, setText, short } from "./api.ts";
import { renderBatches } from "./batches.ts";
import { drawChart } from "./chart.ts";
import { showPayer } from "./payer.ts";
import { showAccount } from "./recipient.ts";
import { provenRate, recentRate } from "./throughput.ts";

const WINDOW_MS = 5 * 60_000;
const POLL_MS = 1_000;
const backlog: [number, number][] = [];

async function poll(): Promise<void> {
  const now = Date.now();
  const [health, list] = await Promise.all([
    getJson<Health>("/v1/health"),
    getJson<{ lastBatch: number; batches: BatchRow[] }>("/v1/batches?limit=500"),
  ]);
  const waiting = health.queues.accepted + health.queues.batched;
  backlog.push([now, waiting]);
  while ((backlog[0]?.[0] ?? now) < now - WINDOW_MS) backlog.shift();
  setText(
    "health",
    health.status === "ok" ? "healthy" : `degraded: ${(health.reasons ?? []).join(", ")}`,
    `pill ${health.status}`,
  );
  setText("last-batch", String(list.lastBatch));
  setText("settled-batches", health.settledBatches);
  setText("backlog", String(waiting));
  setText("rate", recentRate(list.batches, now).toFixed(1));
  drawChart(document.getElementById("backlog-chart") as unknown as SVGSVGElement, backlog, {
    windowMs: WINDOW_MS,
    now,
    unit: "events",
  });
  drawChart(
    document.getElementById("rate-chart") as unknown as SVGSVGElement,
    provenRate(list.batches, now, WINDOW_MS),
    { windowMs: WINDOW_MS, now, unit: "events/s" },
  );
  renderBatches(
    document.querySelector("#batches tbody") as HTMLTableSectionElement,
    list.batches.slice(0, 25),
  );
}

function loop(): void {
  poll()
    .catch((e: Error) => setText("health", `sequencer unreachable: ${e.message}`, "pill degraded"))
    .finally(() => setTimeout(loop, POLL_MS));
}

/** A form that shows an address's view, remembered in the URL (?payer=…&account=…). */
function bindForm(formId: string, param: string, show: (address: `0x${string}`) => Promise<void>) {
  const form = document.getElementById(formId) as HTMLFormElement;
  const input = form.elements.namedItem("address") as HTMLInputElement;
  const run = (address: string) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
      input.setCustomValidity("a 0x address of 40 hex digits");
      input.reportValidity();
      return;
    }
    input.setCustomValidity("");
    const url = new URL(location.href);
    url.searchParams.set(param, address);
    history.replaceState(null, "", url);
    void show(address as `0x${string}`);
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    run(input.value.trim());
  });
  const initial = new URL(location.href).searchParams.get(param);
  if (initial) {
    input.value = initial;
    run(initial);
  }
}

async function start(): Promise<void> {
  const deployment = await getJson<DeploymentInfo>("/v1/deployment");
  setText(
    "deployment",
    deployment.rollup
      ? `rollup ${short(deployment.rollup)} on chain ${deployment.chainId} · set '${deployment.params.name}' (${deployment.params.N} events per batch)`
      : `no chain (seeded) · set '${deployment.params.name}'`,
  );
  bindForm("payer-form", "payer", (a) =>
    showPayer(document.getElementById("payer-view") as HTMLElement, a),
  );
  bindForm("account-form", "account", (a) =>
    showAccount(deployment, document.getElementById("account-view") as HTMLElement, a),
  );
  loop();
}

start().catch((e: Error) => setText("health", `cannot start: ${e.message}`, "pill degraded"));
