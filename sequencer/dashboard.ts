import { readFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";

const DIR = fileURLToPath(new URL("../dashboard/", import.meta.url));

// Node built-ins that the shared core's dependencies import but never use in what the page calls
// (circomlibjs pulls in stream and events through blake-hash; the SDK reads deployment files
// with node:fs): empty modules in the browser, except the two used at load time.
const BROWSER_STUBS: Record<string, string> = {
  events:
    "class EventEmitter { on() { return this } once() { return this } off() { return this } emit() { return false } addListener() { return this } removeListener() { return this } removeAllListeners() { return this } prependListener() { return this } listeners() { return [] } listenerCount() { return 0 } } module.exports = EventEmitter; module.exports.EventEmitter = EventEmitter;",
  assert:
    "module.exports = function assert(c, m) { if (!c) throw new Error(m || 'assertion failed') };",
};
// "buffer" is the npm package of that name (node-shims.ts injects its Buffer), not a stub.
const BUILTIN = new RegExp(`^(node:.*|${builtinModules.filter((m) => m !== "buffer").join("|")})$`);

/**
 * The page's script: dashboard/main.ts with the shared core and SDK (the same code the CLI uses
 * to verify statements), bundled for the browser once per process, on the first request. No
 * CDN and no build step: the page works offline.
 */
async function bundle(): Promise<string> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [`${DIR}main.ts`],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
    inject: [`${DIR}node-shims.ts`],
    define: { global: "globalThis" },
    plugins: [
      {
        name: "node-builtins",
        setup(b) {
          b.onResolve({ filter: BUILTIN }, (a) => ({
            path: a.path.replace(/^node:/, ""),
            namespace: "node-builtin",
          }));
          b.onLoad({ filter: /.*/, namespace: "node-builtin" }, (a) => ({
            contents: BROWSER_STUBS[a.path] ?? "module.exports = {}",
            loader: "js",
          }));
        },
      },
    ],
  });
  return (result.outputFiles[0] as { text: string }).text;
}

/** GET / and /dashboard: the dashboard page; /dashboard/app.js and /dashboard/style.css. */
export function dashboardRoutes(app: FastifyInstance): void {
  let script: Promise<string> | undefined;
  const file = (name: string) => readFile(`${DIR}${name}`, "utf8");
  app.get("/", { schema: { hide: true } }, async (_req, reply) => reply.redirect("/dashboard"));
  app.get("/dashboard", { schema: { hide: true } }, async (_req, reply) =>
    reply.type("text/html; charset=utf-8").send(await file("index.html")),
  );
  app.get("/dashboard/style.css", { schema: { hide: true } }, async (_req, reply) =>
    reply.type("text/css; charset=utf-8").send(await file("style.css")),
  );
  app.get("/dashboard/app.js", { schema: { hide: true } }, async (_req, reply) => {
    script ??= bundle();
    const text = await script.catch((cause: unknown) => {
      script = undefined;
      throw cause;
    });
    return reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(text);
  });
}
