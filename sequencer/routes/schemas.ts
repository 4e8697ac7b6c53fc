import { z } from "zod";
import { ADDRESS_PATTERN } from "../../core/field.ts";
import { bulkSchema, eventSchema } from "../ingest-schema.ts";

// Route schemas feed the OpenAPI document only: requests are validated by zod (ingest-schema.ts)
// and by the handlers, so that every error names its field and rule in one format.

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12" });
  return rest;
}

const decimal = { type: "string", pattern: "^(0|[1-9][0-9]*)$" };
const address = { type: "string", pattern: ADDRESS_PATTERN };

export const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "stable machine-readable code, e.g. SEQ_GAP" },
        message: { type: "string" },
        details: { type: "object", additionalProperties: true },
      },
    },
  },
};

const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { description: "error", ...errorSchema }]));

export const postEventsSchema = {
  summary: "Submit one event or a bulk of up to 1000 events",
  description:
    "All or nothing. The last event of each payer in the request must be signed; every signature present is verified over the payer's head at that event. 202 means durably stored.",
  body: { oneOf: [jsonSchema(eventSchema), jsonSchema(bulkSchema)] },
  response: {
    202: {
      description: "accepted and durable",
      type: "object",
      required: ["accepted", "heads"],
      properties: {
        accepted: {
          type: "array",
          items: {
            type: "object",
            required: ["payer", "seq", "eventHash", "head"],
            properties: { payer: address, seq: decimal, eventHash: decimal, head: decimal },
          },
        },
        heads: { type: "object", additionalProperties: decimal },
      },
    },
    ...errors(400, 409, 413, 415, 422),
  },
};

const merkleProof = {
  type: "object",
  properties: {
    root: decimal,
    leaf: decimal,
    leafIndex: { type: "integer" },
    siblings: { type: "array", items: { type: "array", items: decimal } },
    pathIndices: { type: "array", items: { type: "integer" } },
  },
};

/** An event's own fields, as every endpoint that returns events names them. */
const eventFields = {
  payer: address,
  seq: decimal,
  assetId: decimal,
  amount: decimal,
  ref: decimal,
  prevHead: {
    ...decimal,
    description: "the payer's head before the event (absent for a rejected event)",
  },
  eventHash: {
    ...decimal,
    description:
      "Poseidon(prevHead, payer, seq, assetId * 2^97 + amount, ref): the payer's head after the event and its leaf in the batch's events tree",
  },
};

export const getEventSchema = {
  summary: "Status of one event, and its receipt once settled",
  params: {
    type: "object",
    required: ["payer", "seq"],
    properties: { payer: address, seq: decimal },
  },
  response: {
    200: {
      type: "object",
      properties: {
        ...eventFields,
        head: decimal,
        status: {
          type: "string",
          enum: ["accepted", "batched", "proven", "settled", "rejected"],
          description:
            "rejected: accepted once, but it can never settle (docs/protocol.md §14); the payer's chain continues without it",
        },
        reason: {
          type: "string",
          enum: ["KEY_ROTATED", "UNFUNDED", "RUN_TOO_LARGE", "CHAIN_DIVERGED"],
          description: "present when rejected",
        },
        rejectedAt: { type: "string", description: "present when rejected (ISO 8601)" },
        batch: { type: ["integer", "null"] },
        leafIndex: { type: ["integer", "null"] },
        receipt: {
          type: "object",
          description:
            "present once settled: zk-kit IMT proof (arity 16) against the batch eventsRoot",
          properties: { eventsRoot: decimal, proof: merkleProof, txHash: { type: "string" } },
        },
      },
    },
    ...errors(400, 404),
  },
};

const blockField = {
  type: ["string", "null"],
  pattern: "^(0|[1-9][0-9]*)$",
  description: "last block the sequencer's view of the contract has read (null: no chain watcher)",
};

export const getPayerSchema = {
  summary: "A payer's escrow on chain, pending debits, next seq and head",
  params: { type: "object", required: ["address"], properties: { address } },
  response: {
    200: {
      type: "object",
      properties: {
        payer: address,
        escrow: decimal,
        pendingWithdrawal: decimal,
        withdrawalAvailableAt: {
          type: ["string", "null"],
          description: "chain time (seconds) from which the pending withdrawal can be executed",
        },
        pendingDebits: decimal,
        available: decimal,
        nextSeq: decimal,
        head: decimal,
        settledHead: decimal,
        block: blockField,
      },
    },
    ...errors(400, 404),
  },
};

const splitShape = {
  type: "object",
  properties: {
    splitHash: decimal,
    recipients: {
      type: "array",
      items: {
        type: "object",
        properties: { accountId: decimal, address: { ...address, type: ["string", "null"] } },
      },
    },
    bps: { type: "array", items: { type: "integer" } },
    parent: {
      oneOf: [
        { type: "null" },
        { type: "object", properties: { assetId: decimal, bps: { type: "integer" } } },
      ],
    },
  },
};

export const getAssetSchema = {
  summary:
    "An asset's split as the sequencer sees it on chain (404 until its registration is read)",
  params: { type: "object", required: ["id"], properties: { id: decimal } },
  response: {
    200: {
      type: "object",
      properties: {
        assetId: decimal,
        ...splitShape.properties,
        pending: {
          oneOf: [
            { type: "null" },
            {
              type: "object",
              properties: { ...splitShape.properties, effectiveAt: decimal },
            },
          ],
        },
        level: { type: ["integer", "null"] },
        lineage: {
          description:
            "What one event of this asset takes in a batch under its split in force: its event slots (one, and one per parent), the assets of its lineage (itself, then each parent) and the recipient account ids of their splits; null when the lineage cannot be read",
          oneOf: [
            { type: "null" },
            {
              type: "object",
              properties: {
                slots: { type: "integer" },
                assetIds: { type: "array", items: decimal },
                recipientIds: { type: "array", items: decimal },
              },
            },
          ],
        },
        block: blockField,
      },
    },
    ...errors(400, 404),
  },
};

export const getAccountSchema = {
  summary: "A recipient's claimable balance on chain and credits pending in unsettled batches",
  params: { type: "object", required: ["address"], properties: { address } },
  response: {
    200: {
      type: "object",
      properties: {
        address,
        accountId: { type: ["string", "null"] },
        claimable: decimal,
        pendingCredits: decimal,
      },
    },
    ...errors(400),
  },
};

export const getBatchSchema = {
  summary: "A batch: status, events, public data, proof, settlement tx hash and gas",
  params: { type: "object", required: ["n"], properties: { n: decimal } },
  response: {
    200: {
      type: "object",
      properties: {
        number: { type: "integer" },
        status: { type: "string", enum: ["batched", "proven", "settled"] },
        origin: {
          type: "string",
          enum: ["sequencer", "chain"],
          description: "chain: settled by someone else with a batch this sequencer did not cut",
        },
        eventsRoot: decimal,
        events: {
          type: "array",
          items: {
            type: "object",
            properties: { ...eventFields, leafIndex: { type: "integer" } },
          },
        },
        publicData: { type: ["object", "null"], additionalProperties: true },
        calldata: {
          type: ["object", "null"],
          additionalProperties: true,
          description: "the BatchData argument of settleBatch",
        },
        proof: { type: ["object", "null"], additionalProperties: true },
        txHash: { type: ["string", "null"] },
        gasUsed: { type: ["string", "null"] },
      },
    },
    ...errors(400, 404),
  },
};

export const listBatchesSchema = {
  summary: "The latest batches, newest first: status, events, proving and settlement times, gas",
  querystring: {
    type: "object",
    properties: {
      limit: { ...decimal, description: "1 to 500 (default 50)" },
      before: { ...decimal, description: "only batches numbered below this (the next page)" },
    },
  },
  response: {
    200: {
      type: "object",
      properties: {
        lastBatch: { type: "integer" },
        batches: {
          type: "array",
          items: {
            type: "object",
            properties: {
              number: { type: "integer" },
              status: { type: "string", enum: ["batched", "proven", "settled"] },
              origin: { type: "string", enum: ["sequencer", "chain"] },
              eventCount: { type: "integer" },
              createdAt: { type: ["string", "null"], description: "ISO 8601: when it was cut" },
              provenAt: { type: ["string", "null"] },
              settledAt: { type: ["string", "null"] },
              proofSeconds: {
                type: ["number", "null"],
                description: "from cut to proof: queueing plus proving",
              },
              txHash: { type: ["string", "null"] },
              gasUsed: { type: ["string", "null"] },
            },
          },
        },
      },
    },
    ...errors(400),
  },
};

export const deploymentSchema = {
  summary:
    "The rollup this sequencer serves: chain, contract, parameter set and the JSON-RPC URL it advertises to browsers",
  response: {
    200: {
      type: "object",
      properties: {
        chainId: { type: ["integer", "null"] },
        rollup: { type: ["string", "null"] },
        deployBlock: { type: ["string", "null"] },
        params: { type: "object", additionalProperties: true },
        rpc: {
          type: ["string", "null"],
          description:
            "a JSON-RPC URL of the chain for clients to check against (--public-rpc, else --rpc); never trusted by them for more than chain reads",
        },
      },
    },
  },
};

export const healthSchema = {
  summary:
    "Liveness: ok, or degraded with the reasons (a stopped or lagging watcher, stalled proving or settlement)",
  response: {
    200: {
      type: "object",
      properties: {
        status: { type: "string", enum: ["ok", "degraded"] },
        reasons: {
          type: "array",
          description: "why the sequencer is degraded; empty when ok",
          items: {
            type: "object",
            properties: {
              reason: {
                type: "string",
                enum: [
                  "watcher_stopped",
                  "watcher_behind",
                  "proving_stalled",
                  "settlement_stalled",
                ],
              },
              message: { type: "string" },
            },
          },
        },
        lastBatch: { type: "integer" },
        settledBatches: decimal,
        chain: {
          type: "object",
          properties: {
            nextBlock: decimal,
            lag: { ...decimal, description: "blocks the view is behind the confirmed head" },
            error: { type: ["string", "null"] },
          },
        },
        queues: { type: "object", additionalProperties: { type: "integer" } },
      },
    },
  },
};

const lineSplit = {
  type: "object",
  properties: {
    recipients: { type: "array", items: decimal, description: "account ids" },
    bps: { type: "array", items: { type: "integer" } },
    parent: {
      type: "object",
      description: "the parent asset whose split divides its share again (absent: none)",
      properties: { assetId: decimal, bps: { type: "integer" } },
    },
  },
};

const line = {
  type: "object",
  properties: {
    status: { type: "string", enum: ["settled", "pending"] },
    batch: { type: "integer" },
    leafIndex: { type: "integer", description: "the event's slot in the events tree" },
    ...eventFields,
    split: { ...lineSplit, description: "the split of the event's asset" },
    share: { ...decimal, description: "the account's whole share of the event: parts summed" },
    bps: {
      type: "integer",
      description:
        "level 0's bps, or the first part's when the event's split does not name the account",
    },
    remainder: {
      ...decimal,
      description: "rounding remainder in that level's share (the first recipient's)",
    },
    parts: {
      type: "array",
      description:
        "one per level of the event's lineage whose split names the account (level 0: the event's asset, 1: its parent, ...)",
      items: {
        type: "object",
        properties: {
          level: { type: "integer" },
          assetId: decimal,
          amount: { ...decimal, description: "what the level's split divides" },
          bps: { type: "integer" },
          share: decimal,
          remainder: { ...decimal, description: "rounding remainder included in share" },
        },
      },
    },
    lineage: {
      type: "array",
      description:
        "the splits from the event's asset up to the highest level with a part, to recompute the parts",
      items: {
        type: "object",
        properties: { assetId: decimal, ...lineSplit.properties },
      },
    },
    txHash: { type: ["string", "null"] },
    settledAt: { type: ["string", "null"] },
    receipt: {
      type: "object",
      properties: { eventsRoot: decimal, proof: { type: "object", additionalProperties: true } },
    },
  },
};
const totalsMap = { type: "object", additionalProperties: decimal };

export const getStatementSchema = {
  summary:
    "An account's statement: one line per event that credited it, each with its receipt; totals; CSV with format=csv or Accept: text/csv",
  params: { type: "object", required: ["address"], properties: { address } },
  querystring: {
    type: "object",
    properties: {
      fromBatch: { type: "string", description: "first settled batch (default 1)" },
      toBatch: { type: "string", description: "last settled batch (default: the latest)" },
      fromTime: { type: "string", description: "settled at or after (ISO 8601)" },
      toTime: { type: "string", description: "settled at or before (ISO 8601)" },
      cursor: { type: "string", description: "nextCursor of the previous page" },
      limit: { type: "string", description: "lines per page, 1 to 10000 (default 1000)" },
      format: { type: "string", enum: ["json", "csv"] },
    },
  },
  response: {
    200: {
      type: "object",
      properties: {
        address,
        accountId: decimal,
        fromBatch: { type: "integer" },
        lines: { type: "array", items: line },
        pending: { type: "array", items: line },
        totals: {
          type: "object",
          properties: {
            total: decimal,
            lines: { type: "integer" },
            perAsset: totalsMap,
            perPayer: totalsMap,
            perBatch: totalsMap,
          },
        },
        unavailableBatches: { type: "array", items: { type: "integer" } },
        nextCursor: { type: ["string", "null"] },
      },
    },
    ...errors(400, 404),
  },
};
