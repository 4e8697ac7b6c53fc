import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { type ChainResult, type ChainTask, runChain } from "./chain.ts";

/**
 * Where ingest's hashing and signature checks run. With `threads = 0` they run inline, on the
 * event loop (no thread hop: best for one core or tiny loads); with threads > 0 a piscina pool
 * runs them so the HTTP, JSON and SQLite work of other requests proceeds on the main thread.
 */
export interface ChainRunner {
  run(task: ChainTask): Promise<ChainResult>;
  /** resolves once the runner can take work without start-up delay */
  warmUp(): Promise<void>;
  close(): Promise<void>;
}

// A task with no events: loads a worker's modules (tsx, the wasm field) without doing work.
const EMPTY: ChainTask = {
  startHead: 0n,
  events: [],
  signatures: [],
  pubKeys: [],
};

export function inlineChainRunner(): ChainRunner {
  return {
    run: async (task) => runChain(task),
    warmUp: async () => {},
    close: async () => {},
  };
}

export function poolChainRunner(threads: number): ChainRunner {
  // Workers load TypeScript sources, so they need tsx's loader whatever started this process.
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const pool = new Piscina({
    filename: new URL("./worker.ts", import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    execArgv: ["--import", tsxLoader],
  });
  return {
    run: (task) => pool.run(task) as Promise<ChainResult>,
    warmUp: async () => {
      // A worker loads tsx and builds its wasm instance before its first task: seconds on a busy
      // machine, which must not be the first requests' latency.
      await Promise.all(Array.from({ length: threads * 2 }, () => pool.run(EMPTY)));
    },
    close: () => pool.destroy(),
  };
}
