import { createRequire } from "node:module";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

// Compile offline with the npm `solc` package: Hardhat needs the absolute path of soljson.js,
// otherwise it tries to download a compiler, and this machine reaches only the npm registry.
const require = createRequire(import.meta.url);
const SOLJSON = require.resolve("solc/soljson.js");
const optimizer = { enabled: true, runs: 1000 };

export default defineConfig({
  plugins: [hardhatViem],
  solidity: {
    compilers: [{ version: "0.8.28", path: SOLJSON, settings: { optimizer } }],
    // The rollup compiles through the IR pipeline (cheaper settlement); the Poseidon libraries
    // must not: their unrolled rounds outgrow the contract size limit there.
    overrides: {
      "contracts/RoyaltyRollup.sol": {
        version: "0.8.28",
        path: SOLJSON,
        settings: { viaIR: true, optimizer },
      },
    },
    // On-chain Poseidon is linked as libraries, so their artifacts are needed for deployment.
    npmFilesToBuild: [
      "poseidon-solidity/PoseidonT3.sol",
      "poseidon-solidity/PoseidonT4.sol",
      "poseidon-solidity/PoseidonT5.sol",
      "poseidon-solidity/PoseidonT6.sol",
    ],
  },
  paths: {
    // Hardhat's own test runner is not used (vitest is); keep it away from test/.
    tests: { solidity: "contracts/test-solidity" },
  },
  networks: {
    l1: { type: "edr-simulated", chainType: "l1" },
    op: { type: "edr-simulated", chainType: "op" },
    // Any JSON-RPC endpoint; `royalty deploy --rpc URL` overrides url and accounts at connect time.
    rpc: { type: "http", url: "http://127.0.0.1:8545" },
  },
});
