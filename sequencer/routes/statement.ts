import type { FastifyInstance } from "fastify";
import { RoyaltyError } from "../../core/errors.ts";
import { ADDRESS_RE } from "../../core/field.ts";
import { toJsonValue } from "../../core/json.ts";
import type { ChainView } from "../chain-state.ts";
import { buildStatement, parseCursor, statementCsv } from "../statement.ts";
import type { Store } from "../store/types.ts";
import { DECIMAL_RE, requireParam } from "./events.ts";
import { getStatementSchema } from "./schemas.ts";

interface StatementQuerystring {
  fromBatch?: string;
  toBatch?: string;
  fromTime?: string;
  toTime?: string;
  cursor?: string;
  limit?: string;
  format?: string;
}

const MAX_LIMIT = 10_000;

function batchParam(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(requireParam(name, value, DECIMAL_RE, "must be a batch number"));
  if (n < 1)
    throw new RoyaltyError("INVALID_REQUEST", `${name}: must be 1 or more`, {
      details: { field: name },
    });
  return n;
}

function timeParam(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) {
    throw new RoyaltyError("INVALID_REQUEST", `${name}: must be an ISO 8601 time`, {
      details: { field: name },
    });
  }
  return t;
}

/** GET /v1/accounts/:address/statement: every credit of an account, line by line, provable. */
export function statementRoutes(
  app: FastifyInstance,
  deps: { store: Store; chain: ChainView },
): void {
  const { store, chain } = deps;
  app.get<{ Params: { address: string }; Querystring: StatementQuerystring }>(
    "/v1/accounts/:address/statement",
    { schema: getStatementSchema },
    async (req, reply) => {
      const address = requireParam(
        "address",
        req.params.address,
        ADDRESS_RE,
        "must be a 0x address",
      );
      const q = req.query;
      if (q.format !== undefined && q.format !== "csv" && q.format !== "json") {
        throw new RoyaltyError("INVALID_REQUEST", "format: must be json or csv", {
          details: { field: "format" },
        });
      }
      const fromBatch = batchParam("fromBatch", q.fromBatch, 1);
      const toBatch = batchParam("toBatch", q.toBatch, Number.MAX_SAFE_INTEGER);
      if (fromBatch > toBatch) {
        throw new RoyaltyError("INVALID_REQUEST", "toBatch: must not be below fromBatch", {
          details: { field: "toBatch" },
        });
      }
      const fromTime = timeParam("fromTime", q.fromTime);
      const toTime = timeParam("toTime", q.toTime);
      if (fromTime !== undefined && toTime !== undefined && fromTime > toTime) {
        throw new RoyaltyError("INVALID_REQUEST", "toTime: must not be before fromTime", {
          details: { field: "toTime" },
        });
      }
      const limit =
        q.limit === undefined
          ? 1000
          : Number(requireParam("limit", q.limit, DECIMAL_RE, "must be a number"));
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new RoyaltyError("INVALID_REQUEST", `limit: must be 1 to ${MAX_LIMIT}`, {
          details: { field: "limit" },
        });
      }
      const accountId = chain.accountId(BigInt(address));
      if (accountId === undefined) {
        throw new RoyaltyError("NOT_FOUND", `${address} is no recipient of any registered split`);
      }
      const statement = buildStatement(store, {
        accountId,
        fromBatch,
        toBatch,
        ...(fromTime === undefined ? {} : { fromTime }),
        ...(toTime === undefined ? {} : { toTime }),
        ...(q.cursor === undefined ? {} : { after: parseCursor(q.cursor) }),
        limit,
      });
      const csv =
        q.format === "csv" ||
        (q.format === undefined && /text\/csv/.test(req.headers.accept ?? ""));
      if (csv) {
        reply.header("content-type", "text/csv; charset=utf-8");
        if (statement.nextCursor) reply.header("x-next-cursor", statement.nextCursor);
        return statementCsv(statement);
      }
      return toJsonValue({ address: address.toLowerCase(), accountId, fromBatch, ...statement });
    },
  );
}
