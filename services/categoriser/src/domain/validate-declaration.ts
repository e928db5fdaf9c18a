// Checks a declaration is fit to be assessed. Each reason is a sentence for the dead-letter record;
// an empty list means valid.
import type { Declaration, GoodsLine, Party } from '@clearway/schemas';

// Character loops rather than regular expressions: this runs for every declaration, and a regex
// literal is a new RegExp object at each evaluation, plus a call into the regex engine per test
// (1.7 µs per declaration with regexes, measured on the synthetic declarations).
/** `s` is `min` to `max` code units long, each from `lo` to `hi`. */
const consistsOf = (s: string, min: number, max: number, lo: number, hi: number): boolean => {
  if (s.length < min || s.length > max) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < lo || c > hi) return false;
  }
  return true;
};
const isUpperLetters = (s: string, length: number): boolean => consistsOf(s, length, length, 65, 90);
const isDigits = (s: string, min: number, max: number): boolean => consistsOf(s, min, max, 48, 57);
const isCountry = (s: string): boolean => isUpperLetters(s, 2);
// Identifiers are keys in Redis and items of newline-separated lists (trader-history-scripts.ts).
const hasControlCharacter = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x1f || c === 0x7f) return true;
  }
  return false;
};
/** Blank as `trim() === ''` says; a string starting with a printable ASCII character is not. */
const isBlank = (s: string): boolean => {
  if (s.length === 0) return true;
  const first = s.charCodeAt(0);
  return first > 0x20 && first < 0x7f ? false : s.trim() === '';
};

const lineLabel = (l: GoodsLine) => `line ${l.lineNo}`;

// Whether an HS code's 6-digit subheading is known, remembered per code: codes repeat (and, decoded,
// are often one string object), and cutting the subheading out of each one made a string per line.
const subheadingsKnown = new WeakMap<ReadonlySet<string>, Map<string, boolean>>();
const MAX_REMEMBERED = 100_000;
function knownSubheading(knownHsCodes: ReadonlySet<string>, hsCode: string): boolean {
  let known = subheadingsKnown.get(knownHsCodes);
  if (known === undefined) subheadingsKnown.set(knownHsCodes, (known = new Map<string, boolean>()));
  let answer = known.get(hsCode);
  if (answer === undefined) {
    answer = knownHsCodes.has(hsCode.slice(0, 6));
    if (known.size >= MAX_REMEMBERED) known.clear();
    known.set(hsCode, answer);
  }
  return answer;
}

function checkParty(role: string, p: Party, reasons: string[]): void {
  if (isBlank(p.id)) reasons.push(`${role} has no id`);
  else if (hasControlCharacter(p.id)) reasons.push(`${role} id holds a control character`);
  if (!isCountry(p.country)) reasons.push(`${role} country "${p.country}" is not ISO 3166-1 alpha-2`);
}

export function validateDeclaration(
  d: Declaration,
  knownHsCodes: ReadonlySet<string>,
  knownPorts: ReadonlySet<string>,
): string[] {
  const reasons: string[] = [];
  if (isBlank(d.declarationId)) reasons.push('empty declarationId');
  if (hasControlCharacter(d.declarationId)) reasons.push('declarationId holds a control character');
  if (d.bookingId !== null && hasControlCharacter(d.bookingId))
    reasons.push('bookingId holds a control character');
  if (!Number.isInteger(d.amendment) || d.amendment < 0)
    reasons.push(`amendment ${d.amendment} is not a non-negative integer`);
  if (!Number.isFinite(d.submittedAt) || d.submittedAt <= 0)
    reasons.push(`submittedAt ${d.submittedAt} is not a timestamp`);
  if (!knownPorts.has(d.port)) reasons.push(`unknown port "${d.port}"`);
  checkParty('declarant', d.declarant, reasons);
  checkParty('consignor', d.consignor, reasons);
  checkParty('consignee', d.consignee, reasons);
  if (isBlank(d.vehicle.tractorPlate)) reasons.push('vehicle has no tractor plate');
  if (d.weighbridgeGrossMassGrams !== null && d.weighbridgeGrossMassGrams <= 0)
    reasons.push(`weighbridge gross mass ${d.weighbridgeGrossMassGrams} g is not positive`);
  if (d.slot !== null && d.slot.end <= d.slot.start) reasons.push('slot ends before it starts');
  if (d.goods.length === 0) reasons.push('declaration has no goods lines');
  // Called for every declaration: a valid one's lines allocate nothing (no labels, no set of line
  // numbers, no subheading strings), which kept the collector's share of the categoriser's thread
  // down.
  const goods = d.goods;
  for (let i = 0; i < goods.length; i++) {
    const l = goods[i]!;
    for (let j = 0; j < i; j++)
      if (goods[j]!.lineNo === l.lineNo) {
        reasons.push(`${lineLabel(l)}: duplicate line number`);
        break;
      }
    if (!isDigits(l.hsCode, 6, 10))
      reasons.push(`${lineLabel(l)}: HS code "${l.hsCode}" is not 6 to 10 digits`);
    else if (!knownSubheading(knownHsCodes, l.hsCode))
      reasons.push(`${lineLabel(l)}: unknown HS subheading ${l.hsCode.slice(0, 6)}`);
    if (l.packages <= 0) reasons.push(`${lineLabel(l)}: packages ${l.packages} is not positive`);
    if (l.grossMassGrams < 0) reasons.push(`${lineLabel(l)}: negative gross mass`);
    if (l.netMassGrams < 0) reasons.push(`${lineLabel(l)}: negative net mass`);
    if (l.netMassGrams > l.grossMassGrams)
      reasons.push(`${lineLabel(l)}: net mass ${l.netMassGrams} g exceeds gross mass ${l.grossMassGrams} g`);
    if (l.valueMinor < 0) reasons.push(`${lineLabel(l)}: negative value`);
    if (isBlank(l.currency)) reasons.push(`${lineLabel(l)}: empty currency`);
    else if (!isUpperLetters(l.currency, 3))
      reasons.push(`${lineLabel(l)}: currency "${l.currency}" is not ISO 4217`);
    if (!isCountry(l.originCountry))
      reasons.push(`${lineLabel(l)}: origin "${l.originCountry}" is not ISO 3166-1 alpha-2`);
    if (l.dangerousGoods !== null && !isDigits(l.dangerousGoods.unNumber, 4, 4))
      reasons.push(`${lineLabel(l)}: UN number "${l.dangerousGoods.unNumber}" is not four digits`);
    if (
      l.temperatureControl !== null &&
      l.temperatureControl.minDeciCelsius > l.temperatureControl.maxDeciCelsius
    )
      reasons.push(`${lineLabel(l)}: temperature range min above max`);
  }
  return reasons;
}
