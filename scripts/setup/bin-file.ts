import type { FileHandle } from "node:fs/promises";

/**
 * Writer of snarkjs's binary container (ptau, zkey): magic, version u32 = 1, section count u32,
 * then per section type u32, size u64, data. Sizes are known up front, so each header is written
 * before its data and nothing seeks back.
 */
export class BinFileWriter {
  private sectionLeft = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly magic: "ptau" | "zkey",
  ) {}

  async header(nSections: number): Promise<void> {
    const b = new Uint8Array(12);
    b.set(new TextEncoder().encode(this.magic), 0);
    const dv = new DataView(b.buffer);
    dv.setUint32(4, 1, true);
    dv.setUint32(8, nSections, true);
    await this.fh.write(b);
  }

  async startSection(type: number, size: number): Promise<void> {
    if (this.sectionLeft !== 0) throw new Error(`previous section short by ${this.sectionLeft}`);
    const b = new Uint8Array(12);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type, true);
    dv.setBigUint64(4, BigInt(size), true);
    await this.fh.write(b);
    this.sectionLeft = size;
  }

  async write(data: Uint8Array): Promise<void> {
    if (data.byteLength > this.sectionLeft) throw new Error("section overflow");
    this.sectionLeft -= data.byteLength;
    await this.fh.write(data);
  }

  async section(type: number, data: Uint8Array): Promise<void> {
    await this.startSection(type, data.byteLength);
    await this.write(data);
  }
}

/** Sections of a snarkjs binary container, by type (for tests and checks). */
export function readSections(file: Uint8Array): Map<number, Uint8Array> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out = new Map<number, Uint8Array>();
  const count = view.getUint32(8, true);
  let at = 12;
  for (let i = 0; i < count; i++) {
    const type = view.getUint32(at, true);
    const size = Number(view.getBigUint64(at + 4, true));
    out.set(type, file.subarray(at + 12, at + 12 + size));
    at += 12 + size;
  }
  if (at !== file.byteLength)
    throw new Error(`container ends at ${at} of ${file.byteLength} bytes`);
  return out;
}

/** Concatenation of byte arrays (section bodies assembled from parts). */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
