import type { Command } from "commander";
import { accountBalanceCommand, accountClaimCommand } from "./account-command.ts";
import {
  assetApplyCommand,
  assetRegisterCommand,
  assetShowCommand,
  assetUpdateCommand,
} from "./asset-command.ts";
import { eventsSendCommand } from "./events-send.ts";
import { keysNewCommand, keysShowCommand } from "./keys-command.ts";
import {
  payerDepositCommand,
  payerRegisterCommand,
  payerRotateKeyCommand,
  payerStatusCommand,
  payerWithdrawCommand,
} from "./payer-command.ts";

const ACCOUNT_KEY_NOTE =
  "Transactions are sent by the account of ROYALTY_ACCOUNT_KEY (0x + 64 hex digits).";

/** --deployment / --rpc / --rollup / --network / --json, on every command that reads the chain. */
function onChain(cmd: Command): Command {
  return cmd
    .option("--deployment <file>", "deployment JSON written by `royalty deploy`")
    .option("--rpc <url>", "JSON-RPC endpoint (default: the deployment's, or the --network's)")
    .option("--rollup <address>", "RoyaltyRollup address (instead of --deployment)")
    .option(
      "--network <name>",
      "preset chain from viem's definitions: sepolia, op-sepolia, base-sepolia or local (127.0.0.1:8545)",
    )
    .option("--json", "print one JSON line");
}

const payerKeyFile = [
  "--payer-key-file <file>",
  "payer key file (default: ROYALTY_PAYER_KEY)",
] as const;

/** The participants' commands: keys, payer, asset, account and events. */
export function registerParticipantCommands(program: Command): void {
  const keys = program
    .command("keys")
    .description("payer keys (Baby Jubjub EdDSA) that sign royalty events");
  keys
    .command("new")
    .description("make a payer key file (mode 0600, never overwritten)")
    .requiredOption("--out <file>", "key file to create")
    .option(
      "--derive",
      "derive from ROYALTY_ACCOUNT_KEY's signature of a fixed message, not randomness",
    )
    .option("--json", "print one JSON line")
    .action(keysNewCommand);
  keys
    .command("show")
    .description("the public key of the payer key (never the private key)")
    .option(...payerKeyFile)
    .option("--json", "print one JSON line")
    .action(keysShowCommand);

  const payer = program
    .command("payer")
    .description(`a marketplace's escrow and key on the rollup. ${ACCOUNT_KEY_NOTE}`);
  onChain(
    payer.command("register").description("register the account as a payer with its payer key"),
  )
    .option(...payerKeyFile)
    .action(payerRegisterCommand);
  onChain(
    payer.command("deposit").description("add to the escrow (ERC-20 deployments: approves first)"),
  )
    .requiredOption(
      "--amount <amount>",
      "smallest token units, or a decimal with ether/gwei (1.5ether)",
    )
    .action(payerDepositCommand);
  onChain(
    payer
      .command("withdraw")
      .description("request a withdrawal (--amount) or pay out a matured one (--complete)"),
  )
    .option("--amount <amount>", "amount to request")
    .option("--complete", "pay out the matured withdrawal")
    .action(payerWithdrawCommand);
  onChain(
    payer
      .command("rotate-key")
      .description("request that a new payer key replace the current one after the delay"),
  )
    .requiredOption("--new-key-file <file>", "key file of the new key (`royalty keys new`)")
    .action(payerRotateKeyCommand);
  onChain(
    payer
      .command("status")
      .description("escrow, pending withdrawal and key rotation; with --sequencer, pending debits"),
  )
    .option("--address <address>", "payer (default: ROYALTY_ACCOUNT_KEY's account)")
    .option("--sequencer <url>", "sequencer URL")
    .action(payerStatusCommand);

  const asset = program
    .command("asset")
    .description(`an asset's royalty split. ${ACCOUNT_KEY_NOTE}`);
  const split = [
    "--split <pairs>",
    "recipients and basis points: 0xA…:7000,0xB…:3000 (sum 10000)",
  ] as const;
  const id = ["--asset <id>", "asset id (1 to 2^64-1)"] as const;
  const parent = [
    "--parent <asset:bps>",
    "a parent asset (a model, a dataset) that gets these basis points of each sale and splits them by its own split: 12:2000 (the split's bps and this sum to 10000)",
  ] as const;
  onChain(
    asset.command("register").description("register an asset owned by the account, with its split"),
  )
    .requiredOption(...id)
    .requiredOption(...split)
    .option(...parent)
    .action(assetRegisterCommand);
  onChain(
    asset.command("update").description("request a new split (applied after the split delay)"),
  )
    .requiredOption(...id)
    .requiredOption(...split)
    .option(...parent)
    .action(assetUpdateCommand);
  onChain(asset.command("apply").description("apply a matured split update (anyone may)"))
    .requiredOption(...id)
    .action(assetApplyCommand);
  onChain(
    asset.command("show").description("owner, current split, lineage level and pending update"),
  )
    .requiredOption(...id)
    .action(assetShowCommand);

  const account = program
    .command("account")
    .description(`a recipient's royalties. ${ACCOUNT_KEY_NOTE}`);
  onChain(
    account
      .command("balance")
      .description("claimable royalties; with --sequencer, credits not settled yet"),
  )
    .option("--address <address>", "recipient (default: ROYALTY_ACCOUNT_KEY's account)")
    .option("--sequencer <url>", "sequencer URL")
    .action(accountBalanceCommand);
  onChain(account.command("claim").description("pay out the claimable royalties"))
    .option("--for <address>", "claim for this account (paid to it; anyone may)")
    .action(accountClaimCommand);

  const events = program.command("events").description("royalty events of a payer");
  onChain(
    events
      .command("send")
      .description(
        "sign and send a sales file (CSV with assetId,amount[,ref] or JSON lines) in bulk; resumable without double-sending",
      ),
  )
    .requiredOption("--file <file>", "sales export: .csv with a header, or .jsonl")
    .requiredOption("--sequencer <url>", "sequencer URL")
    .option("--payer <address>", "payer address (default: ROYALTY_ACCOUNT_KEY's account)")
    .option(...payerKeyFile)
    .option("--progress <file>", "resume point (default: FILE.progress.json)")
    .option("--chunk <n>", "events per request (1..1000)", "1000")
    .option("--wait", "wait until the last event is settled on chain")
    .option("--wait-timeout <seconds>", "longest wait with --wait", "600")
    .action(eventsSendCommand);
}
