import { type Logger, pino } from "pino";

/**
 * The structured log of every long-running command: one JSON line per record on stderr, with
 * `level` as a word ("info", "warn", "error"), the same field the one-line errors of
 * scripts/cli-errors.ts carry, and an ISO time, so one filter reads every line of a process.
 */
export function createLogger(level = process.env.ROYALTY_LOG_LEVEL ?? "info"): Logger {
  return pino(
    {
      level,
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination(2),
  );
}
