// Big numbers are decimal TEXT: amounts and hashes exceed SQLite's 64-bit integers. seq is an
// INTEGER: ingest only accepts seq = next expected, so it cannot outgrow 2^63 in practice.
//
// A batch number can be used by several rows: a batch dropped because the chain changed under it
// keeps its row (status 'dropped', for the record) and its number is cut again. At most one row
// per number is not dropped. Events point at batch numbers; only live or settled batches hold
// events.
export const SCHEMA_VERSION = "2";

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  ord INTEGER PRIMARY KEY,
  payer TEXT NOT NULL,
  seq INTEGER NOT NULL,
  asset_id TEXT NOT NULL,
  amount TEXT NOT NULL,
  ref TEXT NOT NULL,
  signature TEXT,
  key_hash TEXT,
  event_hash TEXT NOT NULL,
  prev_head TEXT NOT NULL,
  head TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'accepted',
  batch INTEGER,
  leaf_index INTEGER,
  received_at INTEGER NOT NULL,
  UNIQUE (payer, seq)
);
CREATE INDEX IF NOT EXISTS events_unbatched ON events (ord) WHERE batch IS NULL;
CREATE INDEX IF NOT EXISTS events_by_batch ON events (batch, leaf_index) WHERE batch IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_head ON events (payer, head);
CREATE TABLE IF NOT EXISTS rejected_events (
  id INTEGER PRIMARY KEY,
  payer TEXT NOT NULL,
  seq INTEGER NOT NULL,
  asset_id TEXT NOT NULL,
  amount TEXT NOT NULL,
  ref TEXT NOT NULL,
  event_hash TEXT NOT NULL,
  head TEXT NOT NULL,
  reason TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  rejected_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rejected_by_seq ON rejected_events (payer, seq);
CREATE TABLE IF NOT EXISTS batches (
  id INTEGER PRIMARY KEY,
  number INTEGER NOT NULL,
  status TEXT NOT NULL,
  origin TEXT NOT NULL DEFAULT 'sequencer',
  event_count INTEGER NOT NULL,
  events_root TEXT NOT NULL,
  content TEXT,
  proof TEXT,
  tx_hash TEXT,
  gas_used TEXT,
  created_at INTEGER NOT NULL,
  proven_at INTEGER,
  settled_at INTEGER,
  drop_reason TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS batches_live_number ON batches (number) WHERE status != 'dropped';
CREATE TABLE IF NOT EXISTS payers (
  payer TEXT PRIMARY KEY,
  next_seq INTEGER NOT NULL,
  head TEXT NOT NULL,
  pending_debits TEXT NOT NULL
);
-- The statement index (written at cut, never changed): one row per account credited by an event,
-- and each event's Merkle receipt. Rows of a dropped batch stay and are filtered by its status.
-- Added without a schema version change: a database from before is indexed at start.
CREATE TABLE IF NOT EXISTS credits (
  account_id TEXT NOT NULL,
  batch_id INTEGER NOT NULL,
  leaf_index INTEGER NOT NULL,
  share TEXT NOT NULL,
  bps INTEGER NOT NULL,
  remainder TEXT NOT NULL,
  split TEXT NOT NULL,
  PRIMARY KEY (account_id, batch_id, leaf_index)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS receipts (
  batch_id INTEGER NOT NULL,
  leaf_index INTEGER NOT NULL,
  proof TEXT NOT NULL,
  PRIMARY KEY (batch_id, leaf_index)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;
