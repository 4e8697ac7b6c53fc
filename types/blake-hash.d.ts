// blake-hash (circomlibjs's nonce hash) ships no types; only what core/fast/eddsa.ts calls.
declare module "blake-hash" {
  interface Hash {
    update(data: Buffer): Hash;
    digest(): Buffer;
  }
  export default function createBlakeHash(algorithm: "blake512"): Hash;
}
