import { applySplitUpdate } from "../../sdk/actions/apply-split-update.ts";
import { getSplit, type Split } from "../../sdk/actions/get-split.ts";
import { registerAsset } from "../../sdk/actions/register-asset.ts";
import { updateSplit } from "../../sdk/actions/update-split.ts";
import { type ChainOptions, connect, writerOf } from "./connection.ts";
import { parseId, parseParent, parseSplit, report, txData, when } from "./output.ts";

type AssetOptions = ChainOptions & { asset: string };
type SplitOptions = AssetOptions & { split: string; parent?: string };
const describe = (s: Split) =>
  s.recipients.map((r, i) => `${r}:${s.bps[i]}`).join(",") +
  (s.parent ? ` and parent asset ${s.parent.assetId}:${s.parent.bps}` : "");

/** The split of --split and --parent, and how a sentence names it. */
function splitOf(o: SplitOptions) {
  const parent = parseParent(o.parent);
  const split = { ...parseSplit(o.split), ...(parent ? { parent } : {}) };
  const text = parent ? `${o.split} and parent asset ${parent.assetId}:${parent.bps}` : o.split;
  return { split, text };
}

/**
 * `royalty asset register --asset ID --split 0xA:7000,0xB:3000 [--parent 12:2000]`: a parent asset
 * gets its bps of each sale, split again by its own split (lineage, docs/protocol.md §3).
 */
export async function assetRegisterCommand(o: SplitOptions) {
  const assetId = parseId("--asset", o.asset);
  const { split, text } = splitOf(o);
  const w = writerOf(await connect(o));
  const tx = await registerAsset(w, { assetId, ...split });
  report(o.json, `registered asset ${assetId} with split ${text}; tx ${tx.hash}`, {
    action: "register-asset",
    assetId,
    ...split,
    ...txData(tx),
  });
}

/** `royalty asset update --asset ID --split … [--parent …]`: applied after the split delay. */
export async function assetUpdateCommand(o: SplitOptions) {
  const assetId = parseId("--asset", o.asset);
  const { split, text } = splitOf(o);
  const w = writerOf(await connect(o));
  const tx = await updateSplit(w, { assetId, ...split });
  report(
    o.json,
    `requested split ${text} for asset ${assetId}; \`royalty asset apply\` from ${when(tx.effectiveAt)}; tx ${tx.hash}`,
    { action: "update-split", assetId, ...split, effectiveAt: tx.effectiveAt, ...txData(tx) },
  );
}

/** `royalty asset apply --asset ID`: anyone may apply a matured split update. */
export async function assetApplyCommand(o: AssetOptions) {
  const assetId = parseId("--asset", o.asset);
  const w = writerOf(await connect(o));
  const tx = await applySplitUpdate(w, { assetId });
  report(o.json, `applied the split update of asset ${assetId}; tx ${tx.hash}`, {
    action: "apply-split",
    assetId,
    ...txData(tx),
  });
}

/** `royalty asset show --asset ID`: owner, current split and any pending update. */
export async function assetShowCommand(o: AssetOptions) {
  const assetId = parseId("--asset", o.asset);
  const c = await connect(o);
  const state = await getSplit(c, { assetId, fromBlock: c.info.fromBlock });
  const pending = state.pending
    ? `; pending ${describe(state.pending)} from ${when(state.pending.effectiveAt)}`
    : "";
  report(
    o.json,
    `asset ${assetId}: owner ${state.owner}, split ${describe(state.split)}, lineage level ${state.level}${pending}`,
    {
      ...state,
    },
  );
}
