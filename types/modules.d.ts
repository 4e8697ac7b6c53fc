// Minimal typings for untyped dependencies, limited to what this project calls.
declare module "circomlibjs" {
  type F = { toObject(x: unknown): bigint; e(x: bigint | number | string): Uint8Array };
  export interface Poseidon {
    (inputs: bigint[]): Uint8Array;
    F: F;
  }
  export function buildPoseidon(): Promise<Poseidon>;
  export interface BabyJub {
    F: F & { eq(a: unknown, b: unknown): boolean };
    Base8: [Uint8Array, Uint8Array];
    subOrder: bigint;
    order: bigint;
    inCurve(p: [Uint8Array, Uint8Array]): boolean;
    mulPointEscalar(p: [Uint8Array, Uint8Array], e: bigint): [Uint8Array, Uint8Array];
    addPoint(a: [Uint8Array, Uint8Array], b: [Uint8Array, Uint8Array]): [Uint8Array, Uint8Array];
  }
  export interface Eddsa {
    babyJub: BabyJub;
    F: F;
    prv2pub(prv: Uint8Array): [Uint8Array, Uint8Array];
    signPoseidon(prv: Uint8Array, msg: Uint8Array): { R8: [Uint8Array, Uint8Array]; S: bigint };
    verifyPoseidon(
      msg: Uint8Array,
      sig: { R8: [Uint8Array, Uint8Array]; S: bigint },
      A: [Uint8Array, Uint8Array],
    ): boolean;
  }
  export function buildEddsa(): Promise<Eddsa>;
  export function buildBabyjub(): Promise<BabyJub>;
  export const poseidonContract: {
    createCode(nInputs: number): string;
    generateABI(nInputs: number): unknown[];
  };
}

declare module "snarkjs" {
  // biome-ignore lint/suspicious/noExplicitAny: snarkjs ships no types; callers wrap it.
  const anything: any;
  export = anything;
}

declare module "ffjavascript" {
  // biome-ignore lint/suspicious/noExplicitAny: untyped library
  const anything: any;
  export = anything;
}

declare module "wasmbuilder" {
  // biome-ignore lint/suspicious/noExplicitAny: untyped library; core/fast/limb-*.ts wrap it.
  export const ModuleBuilder: any;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  export type ModuleBuilder = any;
}
