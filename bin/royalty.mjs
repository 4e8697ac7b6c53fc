#!/usr/bin/env node
// Entry of the `royalty` command: runs the TypeScript CLI through tsx so no build step exists.
import { register } from "tsx/esm/api";

register();
await import("../scripts/cli.ts");
