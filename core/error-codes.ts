/**
 * Every error code the project raises, in one place: what it means, the HTTP status where the
 * sequencer's API returns it, and the docs/protocol.md section that holds the rule behind it.
 * `RoyaltyError` takes only these codes (the type checker refuses others); the API's statuses,
 * the CLI's error lines and docs/errors.md are derived from this table, and
 * test/core/error-codes.test.ts checks that every code the sources raise is here.
 *
 * Not listed here: why an event or a batch was set aside (`RejectReason`, `DropReason` in
 * sequencer/), which are statuses a client reads, not errors (docs/protocol.md §14).
 */
export interface ErrorCodeInfo {
  /** what went wrong, in words a person reading a log or a response understands */
  readonly meaning: string;
  /** the sequencer API's HTTP status; only for codes a response can carry */
  readonly status?: number;
  /** the docs/protocol.md section with the rule or the component ("§11") */
  readonly section: `§${number}`;
}

export const ERROR_CODES = {
  // ── Requests to the sequencer's HTTP API (§11) ──
  MALFORMED_JSON: {
    meaning: "the body (or a file) is not valid JSON",
    status: 400,
    section: "§11",
  },
  INVALID_REQUEST: {
    meaning: "the request does not have the shape the API takes (schema check)",
    status: 400,
    section: "§11",
  },
  INVALID_FIELD: {
    meaning: "a field breaks a rule; details name the field and the rule",
    status: 400,
    section: "§11",
  },
  LAST_EVENT_UNSIGNED: {
    meaning: "a payer's last event in a request carries no signature",
    status: 400,
    section: "§11",
  },
  NOT_FOUND: { meaning: "no such route, event, batch or account", status: 404, section: "§11" },
  SEQ_GAP: {
    meaning: "a payer's events do not continue its chain at the next sequence number",
    status: 409,
    section: "§2",
  },
  CONFLICT: {
    meaning: "the payer already has a different event at that sequence number",
    status: 409,
    section: "§11",
  },
  PAYER_CHAIN_MOVED: {
    meaning: "the payer's chain changed while the request was checked; read it and send again",
    status: 409,
    section: "§11",
  },
  BODY_TOO_LARGE: {
    meaning: "the request body exceeds the server's limit",
    status: 413,
    section: "§11",
  },
  UNSUPPORTED_MEDIA_TYPE: {
    meaning: "the request body is not application/json",
    status: 415,
    section: "§11",
  },
  UNKNOWN_PAYER: {
    meaning: "the payer is not registered on the rollup contract",
    status: 422,
    section: "§11",
  },
  UNKNOWN_ASSET: {
    meaning: "the asset (or a parent in its lineage) is not registered on the rollup contract",
    status: 422,
    section: "§3",
  },
  BAD_SIGNATURE: {
    meaning: "an event's signature does not verify under the payer's registered key",
    status: 422,
    section: "§2",
  },
  INSUFFICIENT_ESCROW: {
    meaning: "the payer's escrow does not cover its unsettled events",
    status: 422,
    section: "§11",
  },
  RUN_TOO_LARGE: {
    meaning: "a payer's run of events needs more slots, assets or recipients than one batch has",
    status: 422,
    section: "§11",
  },
  LINEAGE_TOO_DEEP: {
    meaning: "an asset's lineage climbs more parents than the circuit's D",
    status: 422,
    section: "§3",
  },
  KEY_ROTATION_PENDING: {
    meaning: "the payer has a key rotation requested; its events wait until it takes effect",
    status: 422,
    section: "§11",
  },
  SMALL_ORDER_KEY: {
    meaning: "a public key of small order (8·key is the identity): any signature would verify",
    status: 422,
    section: "§2",
  },
  INTERNAL: {
    meaning: "the server failed in a way it did not foresee; the request was not applied",
    status: 500,
    section: "§11",
  },

  // ── Core: building a batch from the reference model (§1–§8) ──
  PAYER_STATE_MISSING: {
    meaning: "a batch was asked for an event whose payer has no state in the batch's input",
    section: "§4",
  },
  MISSING_SIGNATURE: {
    meaning: "a payer's run in a batch does not end at a signed event",
    section: "§4",
  },
  BATCH_OVERFLOW: {
    meaning: "the events need more event, payer, asset or recipient slots than the circuit has",
    section: "§4",
  },
  FIELD_OVERFLOW: {
    meaning: "a value does not fit the field element or the packed word it must go into",
    section: "§5",
  },
  PUBLIC_SIGNALS_MALFORMED: {
    meaning: "a list of public signals has another length than the parameter set's",
    section: "§5",
  },
  POSEIDON_ARITY: {
    meaning: "Poseidon was asked to hash a number of inputs it has no constants for",
    section: "§1",
  },
  LINEAGE_MISMATCH: {
    meaning: "a lineage handed in does not climb from each asset to its own parent",
    section: "§3",
  },
  BAD_PARAMS: {
    meaning: "circuits/params.json holds a parameter set that breaks a rule",
    section: "§8",
  },
  UNKNOWN_PARAMS: {
    meaning: "no parameter set of that name in circuits/params.json",
    section: "§8",
  },

  // ── Sequencer internals: store, chain view, batcher (§11, §14) ──
  BAD_OPTION: {
    meaning: "an option of a command or a constructor is out of range",
    section: "§11",
  },
  NO_CHAIN: {
    meaning: "the sequencer was started with neither a deployment and RPC nor a chain seed",
    section: "§11",
  },
  BAD_SUBMITTER_KEY: { meaning: "ROYALTY_SUBMITTER_KEY is not a 32-byte hex key", section: "§11" },
  SUBMITTER_UNFUNDED: { meaning: "the settlement submitter has no ETH for gas", section: "§11" },
  DATABASE_SCHEMA_MISMATCH: {
    meaning: "the SQLite file was written by a sequencer of another schema version",
    section: "§11",
  },
  BATCH_NUMBER_TAKEN: {
    meaning: "a batch was stored out of order (not right after the last one)",
    section: "§14",
  },
  EVENT_ALREADY_BATCHED: {
    meaning: "an event put into a batch is missing or already in another batch",
    section: "§14",
  },
  HEAD_MISMATCH: {
    meaning: "a stored event's head differs from the one the reference model computes",
    section: "§2",
  },
  CHAIN_VIEW_INCONSISTENT: {
    meaning:
      "a log arrived that the chain view cannot place (a change applied without its request)",
    section: "§11",
  },
  CHAIN_MOVED: {
    meaning: "a block changed while its logs were read; the range is read again",
    section: "§11",
  },
  REORG_TOO_DEEP: {
    meaning: "the chain reorganised deeper than the confirmations the watcher waits for",
    section: "§11",
  },
  SETTLEMENT_REVERTED: {
    meaning:
      "a settlement transaction reverted; the chain watcher decides what becomes of the batch",
    section: "§14",
  },

  // ── Proving (§13, §15) ──
  WITNESS_FAILED: {
    meaning:
      "the circuit refused the batch input (a constraint failed while computing the witness)",
    section: "§7",
  },
  PUBLIC_SIGNALS_MISMATCH: {
    meaning:
      "the proof's public signals differ from the reference model's: circuit and core disagree",
    section: "§5",
  },
  PROOF_FAILED: { meaning: "the prover failed to make a proof", section: "§13" },
  NATIVE_PROVER_UNAVAILABLE: {
    meaning: "the native prover addon is not built or does not load; snarkjs is used instead",
    section: "§15",
  },
  PARAMS_NOT_SET_UP: {
    meaning: "the parameter set's circuit and keys are not on this machine (royalty setup)",
    section: "§9",
  },
  PARAMS_MISMATCH: {
    meaning: "a job or a deployment is for another parameter set than this process proves",
    section: "§13",
  },
  ZKEY_MISMATCH: {
    meaning: "a queued job needs another proving key than this prover has",
    section: "§13",
  },
  PROVER_JOB_FAILED: {
    meaning: "a queued proving job failed without a code of its own",
    section: "§13",
  },
  PROVER_QUEUE_ERROR: { meaning: "the proving queue (Redis/BullMQ) failed", section: "§13" },
  PROOF_TIMEOUT: { meaning: "no prover finished a queued job in time", section: "§13" },
  REDIS_UNREACHABLE: { meaning: "Redis does not answer at the given URL", section: "§13" },
  REDIS_URL_MISSING: { meaning: "a queue prover needs --redis URL (or REDIS_URL)", section: "§13" },

  // ── Trusted setup (§9) ──
  CIRCUIT_COMPILE_FAILED: { meaning: "circom could not compile the circuit", section: "§9" },
  KEY_SETUP_FAILED: { meaning: "snarkjs could not make the proving key", section: "§9" },
  PTAU_NOT_FOUND: { meaning: "the --ptau file does not exist", section: "§9" },
  DEV_SETUP_INVALID: {
    meaning: "a development setup input is out of range (ptau power, secret, contribution name)",
    section: "§9",
  },
  SETUP_FILE_MALFORMED: {
    meaning: "an r1cs, ptau or zkey file is not what it claims (magic, sections, sizes)",
    section: "§9",
  },
  FIELD_MISMATCH: { meaning: "the r1cs is not over the BN254 scalar field", section: "§9" },
  PTAU_TOO_SMALL: { meaning: "the circuit needs a ptau of a higher power", section: "§9" },
  CIRCUIT_TOO_BIG: { meaning: "the circuit's domain exceeds what BN254 supports", section: "§9" },
  PTAU_SECRETS_MISMATCH: {
    meaning: "the ptau was not made from the development secrets given",
    section: "§9",
  },
  SETUP_WORKER_FAILED: { meaning: "a setup worker thread returned no result", section: "§9" },

  // ── Contract and chain, as the SDK and the CLI see them (§10, §16) ──
  CONTRACT_REVERT: {
    meaning: "the rollup contract refused the call; details name its custom error",
    section: "§10",
  },
  TX_REVERTED: { meaning: "a transaction was mined but reverted", section: "§16" },
  INSUFFICIENT_FUNDS: {
    meaning: "the sending account cannot pay for gas (and value)",
    section: "§16",
  },
  RPC_UNREACHABLE: { meaning: "the chain's JSON-RPC endpoint does not answer", section: "§16" },
  RPC_TIMEOUT: { meaning: "the chain's JSON-RPC endpoint timed out", section: "§16" },
  CHAIN_ERROR: {
    meaning: "the chain client failed in another way; cause holds viem's error",
    section: "§16",
  },
  HARDHAT_ERROR: { meaning: "Hardhat failed; details hold its error number", section: "§16" },
  WRONG_CHAIN: { meaning: "the RPC serves another chain than the deployment's", section: "§16" },
  NO_ROLLUP_CODE: { meaning: "no contract at the rollup address on this chain", section: "§16" },
  DEPLOYMENT_NOT_FOUND: { meaning: "the deployment file does not exist", section: "§16" },
  DEPLOYMENT_MALFORMED: {
    meaning: "the deployment file is not one `royalty deploy` writes",
    section: "§16",
  },
  SPLIT_NOT_IN_LOGS: {
    meaning: "no log carries an asset's split hash: logs were read from too late a block",
    section: "§16",
  },

  // ── The SDK's client of the sequencer (§16) ──
  SEQUENCER_UNREACHABLE: { meaning: "the sequencer does not answer", section: "§16" },
  SEQUENCER_ERROR: { meaning: "the sequencer answered with an error but no code", section: "§16" },
  EVENT_REJECTED: {
    meaning: "the sequencer rejected an event the client waited for; details give the reason",
    section: "§14",
  },
  WAIT_TIMEOUT: { meaning: "what the client waited for did not happen in time", section: "§16" },
  UNCATALOGUED: {
    meaning:
      "a peer (sequencer, prover) sent a code this version does not know; details.code has it",
    section: "§16",
  },

  // ── Commands (§9–§17) ──
  FILE_NOT_FOUND: { meaning: "a file named on the command line does not exist", section: "§16" },
  PERMISSION_DENIED: {
    meaning: "a file cannot be read or written with these rights",
    section: "§16",
  },
  PORT_IN_USE: { meaning: "another process listens on the port", section: "§11" },
  SERVER_UNREACHABLE: {
    meaning: "an HTTP server named on the command line does not answer",
    section: "§16",
  },
  UNEXPECTED: {
    meaning: "a failure no other code describes; the message and cause say more",
    section: "§16",
  },
  NO_VERIFIER: {
    meaning: "deploy needs the set's verifier contract: run royalty setup",
    section: "§10",
  },
  TOKEN_HAS_NO_CODE: { meaning: "the --token address has no contract code", section: "§10" },
  INVALID_TOKEN: { meaning: "--token is not an address", section: "§10" },
  INVALID_OPERATOR: { meaning: "--operator is not an address", section: "§10" },
  CHAIN_TYPE_MISMATCH: {
    meaning: "--chain (l1 or op) does not match the RPC's chain",
    section: "§10",
  },
  DEPLOYMENT_EXISTS: {
    meaning: "the deployment file exists; --force or another --out",
    section: "§10",
  },
  DEPLOYER_UNFUNDED: { meaning: "the deployer account has no ETH", section: "§10" },
  NO_DEPLOYER_KEY: { meaning: "deploy needs a deployer key", section: "§10" },
  INVALID_DEPLOYER_KEY: { meaning: "the deployer key is not a 32-byte hex key", section: "§10" },
  NO_RPC: { meaning: "a command needs --rpc URL (or --network)", section: "§16" },
  NO_ROLLUP: { meaning: "a command needs --deployment FILE or --rollup ADDRESS", section: "§16" },
  WRONG_ROLLUP: { meaning: "--rollup differs from the deployment file's rollup", section: "§16" },
  UNKNOWN_NETWORK: { meaning: "--network names no known network", section: "§16" },
  NO_ACCOUNT_KEY: {
    meaning: "a command needs an account key (ROYALTY_ACCOUNT_KEY)",
    section: "§16",
  },
  INVALID_ACCOUNT_KEY: { meaning: "the account key is not a 32-byte hex key", section: "§16" },
  NO_PAYER_KEY: { meaning: "a command needs a payer key file (--payer-key)", section: "§16" },
  INVALID_PAYER_KEY: {
    meaning: "the payer key is not a BabyJubjub secret of the right form",
    section: "§16",
  },
  PAYER_KEY_FILE: {
    meaning: "the payer key file cannot be read or is not one keys new writes",
    section: "§16",
  },
  KEY_FILE_EXISTS: {
    meaning: "the key file exists; keys new never overwrites one",
    section: "§16",
  },
  INVALID_SALE: { meaning: "a line of a sales file breaks a rule", section: "§16" },
  RESUME_MISMATCH: {
    meaning: "a sales file was resumed but the payer's chain no longer matches its progress",
    section: "§16",
  },
  BATCH_NOT_FOUND: { meaning: "verify --batch names a batch that did not settle", section: "§12" },
  PROOF_CHECK_FAILED: { meaning: "the sample proof did not verify as expected", section: "§7" },
  UNKNOWN_ACCOUNT: { meaning: "the account is no recipient of any split", section: "§17" },
  STATEMENT_MISMATCH: { meaning: "a statement line disagrees with the chain", section: "§17" },
  BENCH_FAILED: { meaning: "a benchmark's run failed", section: "§11" },
  DEMO_INVALID: { meaning: "the demo's settled results did not check out", section: "§12" },
  DEMO_ACCOUNTS: {
    meaning: "the demo's embedded chain has too few funded accounts",
    section: "§16",
  },
  DEMO_TIMEOUT: { meaning: "the demo waited too long for settlement", section: "§14" },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}

/** The HTTP status the API answers `code` with: its catalogued status, else 500. */
export function httpStatusOf(code: ErrorCode): number {
  const info: ErrorCodeInfo = ERROR_CODES[code];
  return info.status ?? 500;
}
