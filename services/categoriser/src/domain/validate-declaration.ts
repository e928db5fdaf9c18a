// Checks a declaration is fit to be assessed. Each reason is a sentence for the dead-letter record;
// an empty list means valid.
import type { Declaration, Party } from '@clearway/schemas';

const isCountry = (s: string): boolean => /^[A-Z]{2}$/.test(s);
// Identifiers are keys in Redis and items of newline-separated lists (trader-history-scripts.ts).
// eslint-disable-next-line no-control-regex
const hasControlCharacter = (s: string): boolean => /[\u0000-\u001f\u007f]/.test(s);

export function validateDeclaration(
  d: Declaration,
  knownHsCodes: ReadonlySet<string>,
  knownPorts: ReadonlySet<string>,
): string[] {
  const reasons: string[] = [];
  if (d.declarationId.trim() === '') reasons.push('empty declarationId');
  if (hasControlCharacter(d.declarationId)) reasons.push('declarationId holds a control character');
  if (d.bookingId !== null && hasControlCharacter(d.bookingId))
    reasons.push('bookingId holds a control character');
  if (!Number.isInteger(d.amendment) || d.amendment < 0)
    reasons.push(`amendment ${d.amendment} is not a non-negative integer`);
  if (!Number.isFinite(d.submittedAt) || d.submittedAt <= 0)
    reasons.push(`submittedAt ${d.submittedAt} is not a timestamp`);
  if (!knownPorts.has(d.port)) reasons.push(`unknown port "${d.port}"`);
  const parties: [string, Party][] = [
    ['declarant', d.declarant],
    ['consignor', d.consignor],
    ['consignee', d.consignee],
  ];
  for (const [role, p] of parties) {
    if (p.id.trim() === '') reasons.push(`${role} has no id`);
    else if (hasControlCharacter(p.id)) reasons.push(`${role} id holds a control character`);
    if (!isCountry(p.country)) reasons.push(`${role} country "${p.country}" is not ISO 3166-1 alpha-2`);
  }
  if (d.vehicle.tractorPlate.trim() === '') reasons.push('vehicle has no tractor plate');
  if (d.weighbridgeGrossMassGrams !== null && d.weighbridgeGrossMassGrams <= 0)
    reasons.push(`weighbridge gross mass ${d.weighbridgeGrossMassGrams} g is not positive`);
  if (d.slot !== null && d.slot.end <= d.slot.start) reasons.push('slot ends before it starts');
  if (d.goods.length === 0) reasons.push('declaration has no goods lines');
  const lineNos = new Set<number>();
  for (const l of d.goods) {
    const at = `line ${l.lineNo}`;
    if (lineNos.has(l.lineNo)) reasons.push(`${at}: duplicate line number`);
    lineNos.add(l.lineNo);
    if (!/^\d{6,10}$/.test(l.hsCode)) reasons.push(`${at}: HS code "${l.hsCode}" is not 6 to 10 digits`);
    else if (!knownHsCodes.has(l.hsCode.slice(0, 6)))
      reasons.push(`${at}: unknown HS subheading ${l.hsCode.slice(0, 6)}`);
    if (l.packages <= 0) reasons.push(`${at}: packages ${l.packages} is not positive`);
    if (l.grossMassGrams < 0) reasons.push(`${at}: negative gross mass`);
    if (l.netMassGrams < 0) reasons.push(`${at}: negative net mass`);
    if (l.netMassGrams > l.grossMassGrams)
      reasons.push(`${at}: net mass ${l.netMassGrams} g exceeds gross mass ${l.grossMassGrams} g`);
    if (l.valueMinor < 0) reasons.push(`${at}: negative value`);
    if (l.currency.trim() === '') reasons.push(`${at}: empty currency`);
    else if (!/^[A-Z]{3}$/.test(l.currency)) reasons.push(`${at}: currency "${l.currency}" is not ISO 4217`);
    if (!isCountry(l.originCountry))
      reasons.push(`${at}: origin "${l.originCountry}" is not ISO 3166-1 alpha-2`);
    if (l.dangerousGoods !== null && !/^\d{4}$/.test(l.dangerousGoods.unNumber))
      reasons.push(`${at}: UN number "${l.dangerousGoods.unNumber}" is not four digits`);
    if (
      l.temperatureControl !== null &&
      l.temperatureControl.minDeciCelsius > l.temperatureControl.maxDeciCelsius
    )
      reasons.push(`${at}: temperature range min above max`);
  }
  return reasons;
}
