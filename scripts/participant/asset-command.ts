import { applySplitUpdate } from "../../sdk/actions/apply-split-update.ts";
import { getSplit, type Split } from "../../sdk/actions/get-split.ts";
import { registerAsset } from "../../sdk/actions/register-asset.ts";
import { updateSplit } from "../../sdk/actions/update-split.ts";
import { type ChainOptions, connect, writerOf } from "./connection.ts";
import { parseId, parseSplit, report, txData, when } from "./output.ts";

type AssetOptions = ChainOptions & { asset: string };
const describe = (s: Split) => s.recipients.map((r, i) => `${r}:${s.bps[i]}`).join(",");

/** `royalty asset register --asset ID --split 0xA:7000,0xB:3000` */
export async function assetRegisterCommand(o: AssetOptions & { split: string }) {
  const assetId = parseId("--asset", o.asset);
  const split = parseSplit(o.split);
  const w = writerOf(await connect(o));
  const tx = await registerAsset(w, { assetId, ...split });
  report(o.json, `registered asset ${assetId} with split ${o.split}; tx ${tx.hash}`, {
    action: "register-asset",
    assetId,
    ...split,
    ...txData(tx),
  });
}

/** `royalty asset update --asset ID --split …`: the new split can be applied after the delay. */
export async function assetUpdateCommand(o: AssetOptions & { split: string }) {
  const assetId = parseId("--asset", o.asset);
  const split = parseSplit(o.split);
  const w = writerOf(await connect(o));
  const tx = await updateSplit(w, { assetId, ...split });
  report(
    o.json,
    `requested split ${o.split} for asset ${assetId}; \`royalty asset apply\` from ${when(tx.effectiveAt)}; tx ${tx.hash}`,
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
    `asset ${assetId}: owner ${state.owner}, split ${describe(state.split)}${pending}`,
    {
      ...state,
    },
  );
}
