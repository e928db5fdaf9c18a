// Hash of the canonical decision input: every field of the declaration (in Avro schema order) and of
// the decision context. Any change to what the engine could look at changes the hash, so an auditor
// can prove which input a recorded assessment was made on. The "in1" scheme is this exact field order.
import type { Declaration, Party } from '@clearway/schemas';
import type { DecisionContext, TraderStats } from './decision-context.ts';
import { fmix, scramble, stepLane1, stepLane2 } from './fast-hash.ts';

const NULL = 0x6e756c6c;
const PRESENT = 0x70726573;

// The words are mixed as they are read, with the lane steps and finish of fast-hash.ts (and the same
// seeds), so no word buffer is written and read back. One hash at a time (synchronous).
// [lane 1, lane 2, words mixed]
const lanes = new Int32Array(3);

function putWord(word: number): void {
  const k = scramble(word);
  lanes[0] = stepLane1(lanes[0]!, k);
  lanes[1] = stepLane2(lanes[1]!, k);
  lanes[2]!++;
}

function putWords(first: number, second: number): void {
  let k = scramble(first);
  const a = stepLane1(lanes[0]!, k);
  const b = stepLane2(lanes[1]!, k);
  k = scramble(second);
  lanes[0] = stepLane1(a, k);
  lanes[1] = stepLane2(b, k);
  lanes[2] = lanes[2]! + 2;
}

/** Length first, then two UTF-16 units per word. */
function putString(s: string): void {
  const len = s.length;
  let k = scramble(len);
  let a = stepLane1(lanes[0]!, k);
  let b = stepLane2(lanes[1]!, k);
  let i = 0;
  for (; i + 1 < len; i += 2) {
    k = scramble(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    a = stepLane1(a, k);
    b = stepLane2(b, k);
  }
  if (i < len) {
    k = scramble(s.charCodeAt(i));
    a = stepLane1(a, k);
    b = stepLane2(b, k);
  }
  lanes[0] = a;
  lanes[1] = b;
  lanes[2] = lanes[2]! + 1 + ((len + 1) >> 1);
}

function putNullableString(s: string | null): void {
  if (s === null) putWord(NULL);
  else putString(s);
}

/** Integers in the safe range as two words; other numbers by their decimal text. */
function putNumber(x: number): void {
  if (x >= 0 && x <= 0x7fffffff && (x | 0) === x) putWords(x, 0);
  else if (Number.isSafeInteger(x)) putWords(x >>> 0, Math.floor(x / 4294967296) ^ 0x5a5a5a5a);
  else {
    putWord(0x7f7f7f7f);
    putString(String(x));
  }
}

function putParty(p: Party): void {
  putString(p.id);
  putString(p.name);
  putString(p.country);
  putNullableString(p.aeo);
}

function putStats(s: TraderStats | null): void {
  if (s === null) return putWord(NULL);
  putWord(PRESENT);
  putNumber(s.declarations);
  putNumber(s.inspections);
  putNumber(s.findings);
  putNumber(s.seizures);
}

function putInput(d: Declaration, c: DecisionContext): void {
  putString(d.declarationId);
  putNumber(d.amendment);
  putNumber(d.submittedAt);
  putString(d.port);
  putString(d.direction);
  putString(d.transportMode);
  putParty(d.declarant);
  putParty(d.consignor);
  putParty(d.consignee);
  putString(d.vehicle.tractorPlate);
  putNullableString(d.vehicle.trailerPlate);
  putString(d.vehicle.nationality);
  putNullableString(d.bookingId);
  if (d.slot === null) putWord(NULL);
  else {
    putWord(PRESENT);
    putNumber(d.slot.start);
    putNumber(d.slot.end);
  }
  if (d.weighbridgeGrossMassGrams === null) putWord(NULL);
  else putNumber(d.weighbridgeGrossMassGrams);
  const goods = d.goods;
  putNumber(goods.length);
  for (let i = 0; i < goods.length; i++) {
    const l = goods[i]!;
    putNumber(l.lineNo);
    putString(l.hsCode);
    putString(l.description);
    putNumber(l.packages);
    putNumber(l.grossMassGrams);
    putNumber(l.netMassGrams);
    putNumber(l.valueMinor);
    putString(l.currency);
    putString(l.originCountry);
    const dg = l.dangerousGoods;
    if (dg === null) putWord(NULL);
    else {
      putString(dg.unNumber);
      putString(dg.hazardClass);
    }
    const temperature = l.temperatureControl;
    if (temperature === null) putWord(NULL);
    else {
      putNumber(temperature.minDeciCelsius);
      putNumber(temperature.maxDeciCelsius);
    }
  }
  const documents = d.documents;
  putNumber(documents.length);
  for (let i = 0; i < documents.length; i++) {
    putString(documents[i]!.type);
    putString(documents[i]!.reference);
  }
  putStats(c.declarant);
  putStats(c.consignor);
  putStats(c.consignee);
  putWord(c.pairSeenBefore === null ? NULL : c.pairSeenBefore ? 1 : 0);
  if (c.bookedGrossMassGrams === null) putWord(NULL);
  else putNumber(c.bookedGrossMassGrams);
}

const hexCodes = Array.from({ length: 16 }, (_, i) => '0123456789abcdef'.charCodeAt(i));

export function inputHash(d: Declaration, c: DecisionContext): string {
  lanes[0] = 0x9e3779b9;
  lanes[1] = 0x7f4a7c15;
  lanes[2] = 0;
  putInput(d, c);
  const n = lanes[2];
  const high = fmix(lanes[0] ^ n);
  const low = fmix(((lanes[1] ^ n) + high) | 0);
  // "in1:" and 16 hex digits as one string, instead of concatenating two-digit pieces.
  const x = hexCodes;
  return String.fromCharCode(
    105,
    110,
    49,
    58,
    x[high >>> 28]!,
    x[(high >>> 24) & 15]!,
    x[(high >>> 20) & 15]!,
    x[(high >>> 16) & 15]!,
    x[(high >>> 12) & 15]!,
    x[(high >>> 8) & 15]!,
    x[(high >>> 4) & 15]!,
    x[high & 15]!,
    x[low >>> 28]!,
    x[(low >>> 24) & 15]!,
    x[(low >>> 20) & 15]!,
    x[(low >>> 16) & 15]!,
    x[(low >>> 12) & 15]!,
    x[(low >>> 8) & 15]!,
    x[(low >>> 4) & 15]!,
    x[low & 15]!,
  );
}
