// Piscina worker entry: chain extension and signature checks off the event loop.
import { createRequire } from "node:module";
import type { ChainResult, ChainTask } from "./chain.ts";

// ffjavascript loads the `web-worker` package, which assumes any non-main thread is a worker it
// spawned itself and tries to boot one (crashing on missing workerData). Our wasm instance is
// single-threaded and never uses it, so present this thread as a main thread before loading it.
const threads = createRequire(import.meta.url)("node:worker_threads") as { isMainThread: boolean };
threads.isMainThread = true;
const { runChain } = await import("./chain.ts");

export default function chainWorker(task: ChainTask): ChainResult {
  return runChain(task);
}
