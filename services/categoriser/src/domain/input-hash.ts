// Hash of the canonical decision input: every field of the declaration (in Avro schema order) and of
// the decision context. Any change to what the engine could look at changes the hash, so an auditor
// can prove which input a recorded assessment was made on. The "in1" scheme is this exact field order.
import type { Declaration, Party } from '@clearway/schemas';
import type { DecisionContext, TraderStats } from './decision-context.ts';
import { hashWordsHex } from './fast-hash.ts';

const NULL = 0x6e756c6c;
const PRESENT = 0x70726573;

// The words are collected in a reused buffer, then hashed in one loop (fast-hash.ts defines how a
// string or a number becomes words). Typed-array stores past the end are ignored, so a declaration
// too big for the buffer is detected from the final count and hashed again in a bigger one.
let buffer = new Int32Array(4096);

function putString(w: Int32Array, n: number, s: string): number {
  const len = s.length;
  w[n++] = len;
  let i = 0;
  for (; i + 1 < len; i += 2) w[n++] = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
  if (i < len) w[n++] = s.charCodeAt(i);
  return n;
}

function putNullableString(w: Int32Array, n: number, s: string | null): number {
  if (s !== null) return putString(w, n, s);
  w[n] = NULL;
  return n + 1;
}

/** Integers in the safe range as two words; other numbers by their decimal text. */
function putNumber(w: Int32Array, n: number, x: number): number {
  if (x >= 0 && x <= 0x7fffffff && (x | 0) === x) {
    w[n] = x;
    w[n + 1] = 0;
    return n + 2;
  }
  if (Number.isSafeInteger(x)) {
    w[n] = x >>> 0;
    w[n + 1] = Math.floor(x / 4294967296) ^ 0x5a5a5a5a;
    return n + 2;
  }
  w[n] = 0x7f7f7f7f;
  return putString(w, n + 1, String(x));
}

function putParty(w: Int32Array, n: number, p: Party): number {
  n = putString(w, n, p.id);
  n = putString(w, n, p.name);
  n = putString(w, n, p.country);
  return putNullableString(w, n, p.aeo);
}

function putStats(w: Int32Array, n: number, s: TraderStats | null): number {
  if (s === null) {
    w[n] = NULL;
    return n + 1;
  }
  w[n] = PRESENT;
  n = putNumber(w, n + 1, s.declarations);
  n = putNumber(w, n, s.inspections);
  n = putNumber(w, n, s.findings);
  return putNumber(w, n, s.seizures);
}

function putInput(w: Int32Array, d: Declaration, c: DecisionContext): number {
  let n = putString(w, 0, d.declarationId);
  n = putNumber(w, n, d.amendment);
  n = putNumber(w, n, d.submittedAt);
  n = putString(w, n, d.port);
  n = putString(w, n, d.direction);
  n = putString(w, n, d.transportMode);
  n = putParty(w, n, d.declarant);
  n = putParty(w, n, d.consignor);
  n = putParty(w, n, d.consignee);
  n = putString(w, n, d.vehicle.tractorPlate);
  n = putNullableString(w, n, d.vehicle.trailerPlate);
  n = putString(w, n, d.vehicle.nationality);
  n = putNullableString(w, n, d.bookingId);
  if (d.slot === null) w[n++] = NULL;
  else {
    w[n++] = PRESENT;
    n = putNumber(w, n, d.slot.start);
    n = putNumber(w, n, d.slot.end);
  }
  if (d.weighbridgeGrossMassGrams === null) w[n++] = NULL;
  else n = putNumber(w, n, d.weighbridgeGrossMassGrams);
  const goods = d.goods;
  n = putNumber(w, n, goods.length);
  for (let i = 0; i < goods.length; i++) {
    const l = goods[i]!;
    n = putNumber(w, n, l.lineNo);
    n = putString(w, n, l.hsCode);
    n = putString(w, n, l.description);
    n = putNumber(w, n, l.packages);
    n = putNumber(w, n, l.grossMassGrams);
    n = putNumber(w, n, l.netMassGrams);
    n = putNumber(w, n, l.valueMinor);
    n = putString(w, n, l.currency);
    n = putString(w, n, l.originCountry);
    const dg = l.dangerousGoods;
    if (dg === null) w[n++] = NULL;
    else {
      n = putString(w, n, dg.unNumber);
      n = putString(w, n, dg.hazardClass);
    }
    const temperature = l.temperatureControl;
    if (temperature === null) w[n++] = NULL;
    else {
      n = putNumber(w, n, temperature.minDeciCelsius);
      n = putNumber(w, n, temperature.maxDeciCelsius);
    }
  }
  const documents = d.documents;
  n = putNumber(w, n, documents.length);
  for (let i = 0; i < documents.length; i++) {
    n = putString(w, n, documents[i]!.type);
    n = putString(w, n, documents[i]!.reference);
  }
  n = putStats(w, n, c.declarant);
  n = putStats(w, n, c.consignor);
  n = putStats(w, n, c.consignee);
  w[n++] = c.pairSeenBefore === null ? NULL : c.pairSeenBefore ? 1 : 0;
  if (c.bookedGrossMassGrams === null) w[n++] = NULL;
  else n = putNumber(w, n, c.bookedGrossMassGrams);
  return n;
}

export function inputHash(d: Declaration, c: DecisionContext): string {
  let n = putInput(buffer, d, c);
  if (n > buffer.length) {
    buffer = new Int32Array(n * 2);
    n = putInput(buffer, d, c);
  }
  return `in1:${hashWordsHex(buffer, n, 0x9e3779b9, 0x7f4a7c15)}`;
}
