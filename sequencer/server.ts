import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { httpStatusOf } from "../core/error-codes.ts";
import type { CircuitParams } from "../core/params.ts";
import type { ChainWatcher } from "./chain/watcher.ts";
import type { ChainView } from "./chain-state.ts";
import { type ChainRunner, inlineChainRunner } from "./crypto/pool.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { HealthMonitor, type HealthOptions } from "./health.ts";
import { asRoyaltyError, errorBody } from "./http-errors.ts";
import { type IngestOptions, Ingestor } from "./ingest.ts";
import { Metrics } from "./metrics.ts";
import { eventRoutes } from "./routes/events.ts";
import { type PublicDeployment, stateRoutes } from "./routes/state.ts";
import { statementRoutes } from "./routes/statement.ts";
import type { Store } from "./store/types.ts";

export interface ServerOptions {
  store: Store;
  chain: ChainView;
  params: CircuitParams;
  /** pino logger; omitted: no logs */
  logger?: Logger;
  /** where hashing and signature checks run; default inline on the event loop */
  runner?: ChainRunner;
  metrics?: Metrics;
  /** largest request body in bytes; 1000 fully signed events take about 450 kB */
  bodyLimit?: number;
  ingest?: IngestOptions;
  /** the chain watcher, for /v1/health (none: a seeded chain view) */
  watcher?: ChainWatcher;
  /** what /v1/health calls a stall and a lagging watcher */
  health?: HealthOptions;
  /** the rollup served, for GET /v1/deployment and the dashboard (none: a seeded chain view) */
  deployment?: PublicDeployment;
}

export const API_VERSION = "1.0.0";

/** The sequencer's HTTP API (docs/protocol.md §11). Call `app.listen` to serve, `app.close` to stop. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const metrics = options.metrics ?? new Metrics();
  metrics.watchQueues(options.store);
  const runner = options.runner ?? inlineChainRunner();
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // A log line per request would cost more than ingesting the request; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // pino's Logger and fastify's FastifyBaseLogger differ only in generics.
  }) as unknown as FastifyInstance;

  // Schemas describe the API for OpenAPI; validation (zod and the handlers) and serialisation
  // (plain JSON.stringify of bigint-free values) are ours, so errors have one format.
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((err, req, reply) => {
    const e = asRoyaltyError(err);
    const status = httpStatusOf(e.code);
    const count = Array.isArray((req.body as { events?: unknown[] } | undefined)?.events)
      ? (req.body as { events: unknown[] }).events.length
      : 1;
    if (req.method === "POST") metrics.eventsRejected.inc({ reason: e.code }, count);
    if (status >= 500) req.log.error({ err }, "request failed");
    else req.log.info({ code: e.code, url: req.url }, e.message);
    return reply.code(status).send(errorBody(e));
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send({ error: { code: "NOT_FOUND", message: `no route ${req.method} ${req.url}` } }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Royalty rollup sequencer",
        description:
          "Signed royalty events in, batches, proofs and receipts out. Numbers are decimal strings; errors are { error: { code, message, details? } }.",
        version: API_VERSION,
      },
    },
  });

  const ingestor = new Ingestor(
    options.store,
    options.chain,
    runner,
    options.params,
    options.ingest,
  );
  eventRoutes(app, { store: options.store, ingestor, metrics, params: options.params });
  const health = new HealthMonitor(
    { store: options.store, chain: options.chain, metrics, watcher: options.watcher },
    options.health,
  );
  health.start();
  stateRoutes(app, {
    store: options.store,
    chain: options.chain,
    metrics,
    watcher: options.watcher,
    health,
    params: options.params,
    ...(options.deployment ? { deployment: options.deployment } : {}),
  });
  statementRoutes(app, { store: options.store, chain: options.chain });
  dashboardRoutes(app);
  app.get("/v1/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  app.addHook("onClose", async () => {
    health.stop();
    await runner.close();
  });
  return app;
}
