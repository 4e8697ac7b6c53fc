import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Circuit tests compile circuits and compute witnesses: minutes, not milliseconds.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    // snarkjs and the witness calculator are heavy; two cores, so keep files in one fork each.
    pool: "forks",
    fileParallelism: false,
  },
});
