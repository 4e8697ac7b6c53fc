// The README's main job, `royalty demo`, run as users run it (kept open), then checked from the
// outside: the statement command it prints verifies the recipient's lines against the chain and
// their total is what reached the recipient on chain; the dashboard it prints is served.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createPublicClient, http } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/setup/paths.ts";

const CLI = join(PROJECT_ROOT, "scripts", "cli.ts");
const env = { ...process.env, ROYALTY_LOG_LEVEL: "warn" };
let demo: ChildProcess | undefined;

afterAll(() => {
  demo?.kill("SIGKILL");
});

function run(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
      cwd: PROJECT_ROOT,
      env,
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("royalty demo", () => {
  it("settles, verifies and leaves a statement anyone can check against the chain", async () => {
    demo = spawn(
      process.execPath,
      ["--import", "tsx", CLI, "demo", "--events", "24", "--keep-open"],
      {
        cwd: PROJECT_ROOT,
        env,
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const exited = new Promise<number | null>((resolve) => demo?.on("exit", resolve));
    const printed: string[] = [];
    for await (const line of createInterface({ input: demo.stdout as NodeJS.ReadableStream })) {
      printed.push(line);
      if (line.startsWith("Ctrl-C")) break;
    }
    const text = printed.join("\n");
    expect(text).toContain("every line verified against the chain");
    expect(text).toMatch(/verified batches\s+(\d+) valid of \1\n/);

    const dashboard = /dashboard \(live while the demo runs\): (\S+)/.exec(text)?.[1] as string;
    const page = await fetch(dashboard);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");

    // The command the demo prints, run as printed (with --json to read its figures).
    const command = printed.find((l) => l.includes("npm run royalty -- statement")) as string;
    const args = command.trim().split(/\s+/).slice(4);
    const account = args[args.indexOf("--account") + 1] as `0x${string}`;
    const rpc = args[args.indexOf("--rpc") + 1] as string;
    const checked = await run([...args, "--json"]);
    expect(checked.code, checked.out).toBe(0);
    const summary = JSON.parse(checked.out.trim().split("\n").at(-1) as string);
    expect(summary).toMatchObject({ account, verified: true });
    expect(summary.lines).toBeGreaterThan(0);
    // The recipient started with nothing and the demo claimed everything it was credited: its
    // balance on chain is exactly the verified statement's total.
    const balance = await createPublicClient({ transport: http(rpc) }).getBalance({
      address: account,
    });
    expect(BigInt(summary.total)).toBe(balance);

    demo.kill("SIGINT");
    expect(await exited).toBe(0);
  });
});
