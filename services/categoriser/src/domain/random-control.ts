// The random control share: a protected sample chosen by a keyed hash of the declaration id, so it is
// reproducible on replay, independent of every rule (which is what makes it an unbiased measure of
// compliance and of each rule's lift), and the same for every amendment of a declaration (amending
// cannot re-roll the draw).
import { createHash } from 'node:crypto';
import { hashHigh, hashLow, hashStart, hashString, hashWord } from './fast-hash.ts';

export type SampleDraw = (declarationId: string) => number;

/** Returns a function giving each declaration id a uniform draw in [0, 1), keyed by the ruleset seed. */
export function createSampleDraw(seed: string): SampleDraw {
  const key = createHash('sha256').update(`clearway-sample:${seed}`).digest();
  const k1 = key.readInt32BE(0);
  const k2 = key.readInt32BE(4);
  const k3 = key.readInt32BE(8);
  return (declarationId) => {
    hashStart(k1, k2);
    hashWord(k3);
    hashString(declarationId);
    return (hashHigh() * 2097152 + (hashLow() >>> 11)) / 9007199254740992; // 53 bits → [0, 1)
  };
}
