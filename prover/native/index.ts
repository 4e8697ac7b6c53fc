// The native Groth16 prover (C++ addon in this directory, built by `npm run build:native`):
// same inputs and outputs as snarkjs.groth16.prove, several times faster. Loading never throws:
// where the addon did not build, callers get the reason and fall back to snarkjs.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { RoyaltyError } from "../../core/errors.ts";
import type { Groth16Proof } from "../groth16.ts";

export const NATIVE_ADDON_PATH = fileURLToPath(
  new URL("./build/Release/royalty_native.node", import.meta.url),
);

/** A proving key loaded in native memory; shared by every thread of the process. */
export type NativeKey = { readonly __nativeKey: unique symbol };

export interface NativeProveOptions {
  /** threads for this proof (default: every core) */
  threads?: number;
  /** the proof's blinding scalars, for tests; default: fresh from the OS's CSPRNG */
  r?: bigint;
  s?: bigint;
}

export interface NativeProof {
  proof: Groth16Proof;
  publicSignals: string[];
  /** time in the engine (H, five MSMs, assembly) */
  proveMs: number;
}

/** A witness: .wtns bytes (prover/witness.ts encodeWtns) or the calculator's bigints. */
export type NativeWitness = Uint8Array | readonly bigint[];

export interface NativeAddon {
  /** Parses and checks a zkey (path: cached per file size and mtime); throws ZKEY_* errors. */
  loadZkey(source: string | Uint8Array, threads?: number): NativeKey;
  zkeyInfo(key: NativeKey): {
    nVars: number;
    nPublic: number;
    domainSize: number;
    coefficients: number;
  };
  /** A proof off the JS thread (libuv pool, then `threads` threads of its own). */
  prove(key: NativeKey, witness: NativeWitness, options?: NativeProveOptions): Promise<NativeProof>;
  proveSync(key: NativeKey, witness: NativeWitness, options?: NativeProveOptions): NativeProof;
  /** Test hooks. Bases: affine points as the zkey stores them (Montgomery, little-endian,
   * (0, 0) = infinity); scalars: 32-byte little-endian plain values, each < r. */
  msmG1(
    bases: Uint8Array,
    scalars: Uint8Array,
    options?: { threads?: number; window?: number },
  ): string[];
  msmG2(
    bases: Uint8Array,
    scalars: Uint8Array,
    options?: { threads?: number; window?: number },
  ): string[][];
  /** 32-byte little-endian plain Fr values; "coset" is the prover's ifft / shift / fft step. */
  fft(values: Uint8Array, mode: "fft" | "ifft" | "coset", threads?: number): Uint8Array;
  /** The H MSM's scalars of a witness (A*B - C on the coset), 32-byte LE plain each. */
  hScalars(key: NativeKey, witness: NativeWitness, threads?: number): Uint8Array;
  readonly hardwareThreads: number;
}

export type NativeStatus = { ok: true; addon: NativeAddon } | { ok: false; reason: string };

let status: NativeStatus | undefined;

/** The addon, loaded once per thread, or why it is not available. */
export function nativeProver(): NativeStatus {
  if (status) return status;
  if (process.env.ROYALTY_NATIVE_PROVER === "0") {
    status = { ok: false, reason: "disabled by ROYALTY_NATIVE_PROVER=0" };
  } else if (!existsSync(NATIVE_ADDON_PATH)) {
    status = {
      ok: false,
      reason:
        "prover/native is not built (run `npm run build:native`; g++, make and python3 needed)",
    };
  } else {
    try {
      const addon = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeAddon;
      status = { ok: true, addon };
    } catch (error) {
      status = { ok: false, reason: `prover/native does not load: ${(error as Error).message}` };
    }
  }
  return status;
}

/** The addon, or a thrown NATIVE_PROVER_UNAVAILABLE saying why it is missing. */
export function requireNativeProver(): NativeAddon {
  const s = nativeProver();
  if (!s.ok) {
    throw new RoyaltyError("NATIVE_PROVER_UNAVAILABLE", `native prover unavailable: ${s.reason}`, {
      details: { reason: s.reason },
    });
  }
  return s.addon;
}

// Keeps the last key of each path alive: the addon frees a key when no handle refers to it.
const keys = new Map<string, NativeKey>();

/**
 * The key at `zkeyPath`: parsed once per process, parsed again when the file's size or mtime
 * changes (`royalty setup` ran again).
 */
export function nativeKey(zkeyPath: string, threads?: number): NativeKey {
  const key = requireNativeProver().loadZkey(zkeyPath, threads);
  keys.set(zkeyPath, key);
  return key;
}

/** One proof of `witness` with the zkey at `zkeyPath`. */
export async function nativeProve(
  zkeyPath: string,
  witness: NativeWitness,
  options: NativeProveOptions = {},
): Promise<NativeProof> {
  return requireNativeProver().prove(nativeKey(zkeyPath, options.threads), witness, options);
}

/** Which Groth16 prover computes proofs: the native addon, or snarkjs (wasm). */
export type ProverEngine = "native" | "snarkjs";

let fallbackWarned = false;

/**
 * The engine to use when asked for `wanted` (default: the fastest that built). Asking for the
 * native one where it did not build gives snarkjs, and says so once per process.
 */
export function resolveEngine(wanted: ProverEngine | "auto" = "auto"): ProverEngine {
  if (wanted === "snarkjs") return "snarkjs";
  const status = nativeProver();
  if (status.ok) return "native";
  if (!fallbackWarned) {
    fallbackWarned = true;
    // One JSON line, like the processes' pino logs, on stderr.
    console.warn(
      JSON.stringify({
        level: "warn",
        code: "NATIVE_PROVER_UNAVAILABLE",
        reason: status.reason,
        msg: `native prover unavailable (${status.reason}); proving with snarkjs`,
      }),
    );
  }
  return "snarkjs";
}
