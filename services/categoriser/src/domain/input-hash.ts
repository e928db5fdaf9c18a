// Hash of the canonical decision input: every field of the declaration (in Avro schema order) and of
// the decision context. Any change to what the engine could look at changes the hash, so an auditor
// can prove which input a recorded assessment was made on. The "in1" scheme is this exact field order.
import type { Declaration, Party } from '@clearway/schemas';
import type { DecisionContext, TraderStats } from './decision-context.ts';
import { hashHex, hashNumber, hashStart, hashString, hashWord } from './fast-hash.ts';

const NULL = 0x6e756c6c;
const PRESENT = 0x70726573;

function nullableString(s: string | null): void {
  if (s === null) hashWord(NULL);
  else hashString(s);
}

function party(p: Party): void {
  hashString(p.id);
  hashString(p.name);
  hashString(p.country);
  nullableString(p.aeo);
}

function stats(s: TraderStats | null): void {
  if (s === null) return hashWord(NULL);
  hashWord(PRESENT);
  hashNumber(s.declarations);
  hashNumber(s.inspections);
  hashNumber(s.findings);
  hashNumber(s.seizures);
}

export function inputHash(d: Declaration, c: DecisionContext): string {
  hashStart(0x9e3779b9, 0x7f4a7c15);
  hashString(d.declarationId);
  hashNumber(d.amendment);
  hashNumber(d.submittedAt);
  hashString(d.port);
  hashString(d.direction);
  hashString(d.transportMode);
  party(d.declarant);
  party(d.consignor);
  party(d.consignee);
  hashString(d.vehicle.tractorPlate);
  nullableString(d.vehicle.trailerPlate);
  hashString(d.vehicle.nationality);
  nullableString(d.bookingId);
  if (d.slot === null) hashWord(NULL);
  else {
    hashWord(PRESENT);
    hashNumber(d.slot.start);
    hashNumber(d.slot.end);
  }
  if (d.weighbridgeGrossMassGrams === null) hashWord(NULL);
  else hashNumber(d.weighbridgeGrossMassGrams);
  hashNumber(d.goods.length);
  for (const l of d.goods) {
    hashNumber(l.lineNo);
    hashString(l.hsCode);
    hashString(l.description);
    hashNumber(l.packages);
    hashNumber(l.grossMassGrams);
    hashNumber(l.netMassGrams);
    hashNumber(l.valueMinor);
    hashString(l.currency);
    hashString(l.originCountry);
    if (l.dangerousGoods === null) hashWord(NULL);
    else {
      hashString(l.dangerousGoods.unNumber);
      hashString(l.dangerousGoods.hazardClass);
    }
    if (l.temperatureControl === null) hashWord(NULL);
    else {
      hashNumber(l.temperatureControl.minDeciCelsius);
      hashNumber(l.temperatureControl.maxDeciCelsius);
    }
  }
  hashNumber(d.documents.length);
  for (const doc of d.documents) {
    hashString(doc.type);
    hashString(doc.reference);
  }
  stats(c.declarant);
  stats(c.consignor);
  stats(c.consignee);
  hashWord(c.pairSeenBefore === null ? NULL : c.pairSeenBefore ? 1 : 0);
  if (c.bookedGrossMassGrams === null) hashWord(NULL);
  else hashNumber(c.bookedGrossMassGrams);
  return `in1:${hashHex()}`;
}
