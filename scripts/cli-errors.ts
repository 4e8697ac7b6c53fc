import {
  BaseError,
  ContractFunctionRevertedError,
  HttpRequestError,
  InsufficientFundsError,
  TimeoutError,
} from "viem";
import { ERROR_CODES, type ErrorCode } from "../core/error-codes.ts";
import { RoyaltyError } from "../core/errors.ts";
import { decodeRevert, explainRevert } from "../sdk/revert.ts";

/**
 * What the CLI prints of a failure: a catalogued code (core/error-codes.ts) and one sentence a
 * person can act on; failures of libraries (viem, Node, Hardhat) are mapped onto the catalogue.
 */
export interface ErrorLine {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  cause?: string;
}

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() ?? text;
}

function viemLine(error: BaseError): ErrorLine {
  const revert = decodeRevert(error);
  if (revert) {
    return {
      code: "CONTRACT_REVERT",
      message: `the contract refused: ${explainRevert(revert)}`,
      details: { error: revert.name, args: revert.args.map(String) },
    };
  }
  if (error.walk((e) => e instanceof InsufficientFundsError)) {
    return {
      code: "INSUFFICIENT_FUNDS",
      message:
        "the sending account has not enough ETH to pay for gas (and value): fund it, or use another key",
    };
  }
  const http = error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError);
  if (http instanceof HttpRequestError) {
    const status = http.status ? ` (HTTP ${http.status})` : "";
    return {
      code: "RPC_UNREACHABLE",
      message: `the RPC at ${http.url} does not answer${status}: is the node running and the URL right?`,
    };
  }
  if (http instanceof TimeoutError) {
    return { code: "RPC_TIMEOUT", message: `the RPC timed out: ${firstLine(http.shortMessage)}` };
  }
  if (error.walk((e) => e instanceof ContractFunctionRevertedError)) {
    return { code: "CONTRACT_REVERT", message: firstLine(error.shortMessage) };
  }
  return { code: "CHAIN_ERROR", message: firstLine(error.shortMessage) };
}

/**
 * One line for any failure of a command: RoyaltyErrors as they are; file, network, chain and
 * Hardhat errors translated; anything else by its first line. Never a stack trace.
 */
export function errorLine(error: unknown): ErrorLine {
  if (error instanceof RoyaltyError) {
    const cause = error.cause instanceof Error ? firstLine(error.cause.message) : undefined;
    return {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
      ...(cause ? { cause } : {}),
    };
  }
  if (error instanceof BaseError) return viemLine(error);
  const e = error as NodeJS.ErrnoException & { address?: string; port?: number };
  if (e?.code === "ENOENT") {
    return { code: "FILE_NOT_FOUND", message: `no such file: ${e.path ?? firstLine(e.message)}` };
  }
  if (e?.code === "EACCES") {
    return { code: "PERMISSION_DENIED", message: `permission denied: ${e.path ?? e.message}` };
  }
  if (e?.code === "EADDRINUSE") {
    return {
      code: "PORT_IN_USE",
      message: `port ${e.port ?? ""} on ${e.address ?? "this host"} is in use: stop the other process or pass another --port`,
    };
  }
  if (error instanceof SyntaxError) {
    return {
      code: "MALFORMED_JSON",
      message: `a file is not valid JSON: ${firstLine(error.message)}`,
    };
  }
  if (error instanceof TypeError && error.message === "fetch failed") {
    const cause = (error as { cause?: { code?: string; address?: string; port?: number } }).cause;
    const where = cause?.address ? `${cause.address}:${cause.port}` : "the server";
    return {
      code: "SERVER_UNREACHABLE",
      message: `cannot reach ${where} (${cause?.code ?? "fetch failed"}): is it running and the URL right?`,
    };
  }
  const hardhat = error as { name?: string; descriptor?: { number?: number }; message?: string };
  if (hardhat?.name === "HardhatError") {
    return {
      code: "HARDHAT_ERROR",
      message: firstLine(hardhat.message ?? ""),
      ...(hardhat.descriptor?.number === undefined
        ? {}
        : { details: { hardhatError: `HHE${hardhat.descriptor.number}` } }),
    };
  }
  return { code: "UNEXPECTED", message: firstLine(String((error as Error)?.message ?? error)) };
}

/** Prints the line: JSON for scripts and services, `error [CODE] message` for a person. */
export function printError(error: unknown, json: boolean): void {
  const line = errorLine(error);
  if (json) {
    console.error(JSON.stringify({ level: "error", ...line }));
  } else {
    // The sentence already says what failed; the raw cause is in the --json line. A line with
    // nothing to say of its own says what the code means.
    console.error(`error [${line.code}] ${line.message || ERROR_CODES[line.code].meaning}`);
  }
}
