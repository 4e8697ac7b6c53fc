// Client SDK of the royalty rollup sequencer (used by tests, the demo and benchmarks).
export {
  type Ack,
  type EventInput,
  type PreparedRequest,
  RoyaltyClient,
  type RoyaltyClientOptions,
} from "./client.ts";
export { RoyaltyApiError } from "./errors.ts";
