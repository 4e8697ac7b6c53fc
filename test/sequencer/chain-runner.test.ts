// The sequencer's chain runners (inline and on worker threads) chain and check alike.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventHash } from "../../core/event.ts";
import { expandKey, fastSignHead } from "../../core/fast/eddsa.ts";
import { SNARK_FIELD } from "../../core/field.ts";
import { inlineChainRunner, poolChainRunner } from "../../sequencer/crypto/pool.ts";

const randField = () => BigInt(`0x${randomBytes(32).toString("hex")}`) % SNARK_FIELD;

describe("chain runners", () => {
  it("should give the same hashes, heads and bad-signature index inline and on worker threads", async () => {
    const key = expandKey(randomBytes(32));
    const genesis = randField();
    const events = Array.from({ length: 5 }, (_, i) => ({
      payer: 7n,
      seq: BigInt(i + 1),
      assetId: 1n,
      amount: 100n,
      ref: 0n,
    }));
    let head = genesis;
    const heads = events.map((e) => (head = eventHash(head, e)));
    const signatures = heads.map((h, i) => (i === 2 || i === 4 ? fastSignHead(key, h) : null));
    signatures[4] = fastSignHead(key, heads[3]!);
    const task = { startHead: genesis, events, signatures, pubKeys: [key.pubKey] };
    const pool = poolChainRunner(1);
    try {
      const [a, b] = await Promise.all([inlineChainRunner().run(task), pool.run(task)]);
      expect(a).toEqual(b);
      expect(a.heads).toEqual(heads);
      expect(a.badSignature).toBe(4);
    } finally {
      await pool.close();
    }
  });
});
