// snarkjs's binary container, shared by r1cs, ptau and zkey files: magic (4 bytes), version u32,
// section count u32, then per section type u32, size u64, data; all little-endian.

import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { RoyaltyError } from "../../core/errors.ts";
import { view } from "./bn254.ts";

type Magic = "r1cs" | "ptau" | "zkey";

const FILE_HEADER_BYTES = 12;
const SECTION_HEADER_BYTES = 12;

function malformed(message: string, details?: Record<string, unknown>): RoyaltyError {
  return new RoyaltyError("SETUP_FILE_MALFORMED", message, { details });
}

/**
 * Writer of a container whose section sizes are known up front, so each header is written before
 * its data and nothing seeks back.
 */
export class BinFileWriter {
  private sectionLeft = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly magic: Magic,
  ) {}

  async header(nSections: number): Promise<void> {
    const b = new Uint8Array(FILE_HEADER_BYTES);
    b.set(new TextEncoder().encode(this.magic), 0);
    const dv = view(b);
    dv.setUint32(4, 1, true);
    dv.setUint32(8, nSections, true);
    await this.fh.write(b);
  }

  async startSection(type: number, size: number): Promise<void> {
    // A size mismatch is a bug in the writer; caught here it cannot produce a file that
    // snarkjs misreads later.
    if (this.sectionLeft !== 0) {
      throw malformed(`section before ${type} is short by ${this.sectionLeft} bytes`);
    }
    const b = new Uint8Array(SECTION_HEADER_BYTES);
    const dv = view(b);
    dv.setUint32(0, type, true);
    dv.setBigUint64(4, BigInt(size), true);
    await this.fh.write(b);
    this.sectionLeft = size;
  }

  async write(data: Uint8Array): Promise<void> {
    if (data.byteLength > this.sectionLeft) {
      throw malformed("section overflow: more data than its header announced", {
        left: this.sectionLeft,
        writing: data.byteLength,
      });
    }
    this.sectionLeft -= data.byteLength;
    await this.fh.write(data);
  }

  async section(type: number, data: Uint8Array): Promise<void> {
    await this.startSection(type, data.byteLength);
    await this.write(data);
  }
}

/**
 * Writes a container to `path` + ".tmp" and renames it into place once complete, so an
 * interrupted run never leaves a truncated file under the real name; on failure the tmp goes.
 */
export async function writeBinFile(
  path: string,
  magic: Magic,
  write: (file: BinFileWriter) => Promise<void>,
): Promise<void> {
  const tmpPath = `${path}.tmp`;
  try {
    const fh = await open(tmpPath, "w");
    try {
      await write(new BinFileWriter(fh, magic));
    } finally {
      await fh.close();
    }
    await rename(tmpPath, path);
  } catch (err) {
    await rm(tmpPath, { force: true });
    throw err;
  }
}

function sectionHeader(b: Uint8Array, at: number): { type: number; size: number } {
  const dv = view(b);
  return { type: dv.getUint32(at, true), size: Number(dv.getBigUint64(at + 4, true)) };
}

/** Sections of a container held in memory, by type (for tests and checks). */
export function readSections(file: Uint8Array): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const count = view(file).getUint32(8, true);
  let at = FILE_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const { type, size } = sectionHeader(file, at);
    at += SECTION_HEADER_BYTES;
    out.set(type, file.subarray(at, at + size));
    at += size;
  }
  if (at !== file.byteLength) {
    throw malformed(`container ends at ${at} of ${file.byteLength} bytes`);
  }
  return out;
}

export interface SectionPos {
  offset: number;
  size: number;
}

/** Where each section of an open container lies, by type, after checking its magic. */
export async function readSectionTable(
  fh: FileHandle,
  magic: Magic,
): Promise<Map<number, SectionPos>> {
  const head = await readExact(fh, 0, FILE_HEADER_BYTES);
  if (new TextDecoder().decode(head.subarray(0, 4)) !== magic) {
    throw malformed(`not a ${magic} file (wrong magic); check the path`, { magic });
  }
  const table = new Map<number, SectionPos>();
  let at = FILE_HEADER_BYTES;
  for (let i = 0; i < view(head).getUint32(8, true); i++) {
    const { type, size } = sectionHeader(await readExact(fh, at, SECTION_HEADER_BYTES), 0);
    at += SECTION_HEADER_BYTES;
    table.set(type, { offset: at, size });
    at += size;
  }
  return table;
}

/** `length` bytes at `position`; a short read means the file is truncated. */
export async function readExact(
  fh: FileHandle,
  position: number,
  length: number,
): Promise<Uint8Array> {
  const b = new Uint8Array(length);
  const { bytesRead } = await fh.read(b, 0, length, position);
  if (bytesRead !== length) {
    throw malformed("unexpected end of file: it may be truncated; regenerate it", {
      position,
      length,
      bytesRead,
    });
  }
  return b;
}

export function u32(v: number, littleEndian = true): Uint8Array {
  const b = new Uint8Array(4);
  view(b).setUint32(0, v, littleEndian);
  return b;
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
