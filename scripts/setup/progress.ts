import cliProgress from "cli-progress";

/**
 * Progress for long setup steps: a bar on a terminal, one structured JSON line per stage
 * otherwise (CI logs stay readable and nothing floods them).
 */
export interface Progress {
  stage(name: string, total: number): void;
  update(done: number): void;
  done(): void;
  /** a snarkjs-style logger that turns "label: i/n" debug lines into bar updates */
  snarkjsLogger(): {
    debug(m: string): void;
    info(m: string): void;
    warn(m: string): void;
    error(m: string): void;
  };
}

export function createProgress(enabled = true): Progress {
  const tty = enabled && Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let current = "";
  let started = 0;
  const finish = () => {
    bar?.stop();
    bar = undefined;
    if (current && enabled && !tty) {
      process.stderr.write(
        `${JSON.stringify({ level: "info", stage: current, seconds: (Date.now() - started) / 1000 })}\n`,
      );
    }
    current = "";
  };
  const progress: Progress = {
    stage(name, total) {
      if (name === current) return;
      finish();
      current = name;
      started = Date.now();
      if (tty) {
        bar = new cliProgress.SingleBar(
          {
            format: `${name.padEnd(28)} [{bar}] {percentage}% | {value}/{total} | {duration}s`,
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.max(total, 1), 0);
      }
    },
    update(done) {
      bar?.update(done);
    },
    done: finish,
    snarkjsLogger() {
      const parse = (message: string) => {
        const match = /^(.*?):?\s*(\d+)\/(\d+)/.exec(message);
        if (!match) return;
        progress.stage((match[1] ?? "").trim() || "snarkjs", Number(match[3]));
        progress.update(Number(match[2]));
      };
      return {
        debug: parse,
        info: parse,
        warn() {},
        error: (m: string) => process.stderr.write(`${m}\n`),
      };
    },
  };
  return progress;
}
