// What the CLI prints of a failure (scripts/cli-errors.ts): every line carries a catalogued code,
// library failures are mapped onto the catalogue, never a stack trace.
import { createServer } from "node:net";
import { createPublicClient, http } from "viem";
import { describe, expect, it, vi } from "vitest";
import { isErrorCode } from "../../core/error-codes.ts";
import { RoyaltyError } from "../../core/errors.ts";
import { errorLine, printError } from "../../scripts/cli-errors.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("the CLI's error line", () => {
  it("should keep a RoyaltyError's code, message, details and the cause's first line", () => {
    const error = new RoyaltyError("SEQ_GAP", "expected seq 3", {
      details: { expectedSeq: 3 },
      cause: new Error("first\nsecond"),
    });
    expect(errorLine(error)).toEqual({
      code: "SEQ_GAP",
      message: "expected seq 3",
      details: { expectedSeq: 3 },
      cause: "first",
    });
  });

  it("should map a real RPC that does not answer to RPC_UNREACHABLE", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const client = createPublicClient({ transport: http(url, { retryCount: 0 }) });
    const error = await client.getBlockNumber().catch((e: unknown) => e);
    const line = errorLine(error);
    expect(line.code).toBe("RPC_UNREACHABLE");
    expect(line.message).toContain(url);
  });

  it("should map a server that does not answer to SERVER_UNREACHABLE", async () => {
    const port = await closedPort();
    const error = await fetch(`http://127.0.0.1:${port}/v1/health`).catch((e: unknown) => e);
    expect(errorLine(error)).toMatchObject({
      code: "SERVER_UNREACHABLE",
      message: expect.stringContaining(`127.0.0.1:${port}`),
    });
  });

  it("should map Node's file errors and bad JSON onto catalogued codes", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file"), {
      code: "ENOENT",
      path: "/nope.json",
    });
    expect(errorLine(enoent)).toEqual({
      code: "FILE_NOT_FOUND",
      message: "no such file: /nope.json",
    });
    const json = (() => {
      try {
        JSON.parse("{");
      } catch (e) {
        return e;
      }
    })();
    expect(errorLine(json).code).toBe("MALFORMED_JSON");
  });

  it("should give Hardhat's failures one code, its error number in details", () => {
    const hardhat = Object.assign(new Error("HHE100: something\nmore"), {
      name: "HardhatError",
      descriptor: { number: 100 },
    });
    expect(errorLine(hardhat)).toEqual({
      code: "HARDHAT_ERROR",
      message: "HHE100: something",
      details: { hardhatError: "HHE100" },
    });
  });

  it("should call anything else UNEXPECTED, by its first line", () => {
    expect(errorLine(new Error("boom\nstack"))).toEqual({ code: "UNEXPECTED", message: "boom" });
    expect(errorLine("a string")).toEqual({ code: "UNEXPECTED", message: "a string" });
  });

  it("should print every line with a catalogued code, and the code's meaning when it says nothing", () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "error").mockImplementation((line: string) => {
      lines.push(line);
    });
    try {
      printError(new RoyaltyError("NO_RPC", ""), false);
      printError(new RoyaltyError("NO_RPC", "say --rpc"), true);
    } finally {
      spy.mockRestore();
    }
    expect(lines[0]).toBe("error [NO_RPC] a command needs --rpc URL (or --network)");
    expect(JSON.parse(lines[1] as string)).toEqual({
      level: "error",
      code: "NO_RPC",
      message: "say --rpc",
    });
    for (const e of [new Error("x"), "y", new SyntaxError("z")]) {
      expect(isErrorCode(errorLine(e).code)).toBe(true);
    }
  });
});
