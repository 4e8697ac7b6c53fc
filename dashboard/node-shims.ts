// What the shared core and SDK expect of Node when they run in the browser bundle: Buffer (used
// by circomlibjs's dependencies) and a minimal process. Injected by sequencer/dashboard.ts.
import { Buffer } from "buffer";

export { Buffer };
export const process = {
  env: {},
  browser: true,
  version: "",
  versions: {},
  nextTick: (f: (...a: unknown[]) => void, ...a: unknown[]) => queueMicrotask(() => f(...a)),
};
