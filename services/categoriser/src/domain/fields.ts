// The derived features, computed in one place: every value a rule can look at is defined here, with
// its type and whether it can be missing. Getters compute on demand so a decision pays only for the
// features its rules actually reach (and short-circuiting skips most of them).
import type { Declaration, GoodsLine } from '@clearway/schemas';
import type { DecisionContext, TraderStats } from './decision-context.ts';

export type FieldType = 'number' | 'string' | 'boolean' | 'stringSet';
/** What a managed list of that kind can be checked against. */
export type FieldDomain = 'hs' | 'country' | 'trader' | 'plain';
export type FieldValue = number | string | boolean | readonly string[];

interface FieldBase {
  name: string;
  type: FieldType;
  domain: FieldDomain;
  nullable: boolean;
  description: string;
}
export interface DeclarationField extends FieldBase {
  scope: 'declaration';
  get: (d: Declaration, c: DecisionContext) => FieldValue | null;
}
export interface LineField extends FieldBase {
  scope: 'line';
  get: (line: GoodsLine, d: Declaration, c: DecisionContext) => FieldValue | null;
}
export type Field = DeclarationField | LineField;

/** Reference unit value for a line, from the ruleset's managed list; null when there is none. */
export type UnitValueLookup = (hsCode: string, currency: string) => number | null;

const decl = (
  name: string,
  type: FieldType,
  nullable: boolean,
  description: string,
  get: DeclarationField['get'],
  domain: FieldDomain = 'plain',
): DeclarationField => ({ scope: 'declaration', name, type, domain, nullable, description, get });
const line = (
  name: string,
  type: FieldType,
  nullable: boolean,
  description: string,
  get: LineField['get'],
  domain: FieldDomain = 'plain',
): LineField => ({ scope: 'line', name, type, domain, nullable, description, get });

function totalGrossGrams(d: Declaration): number {
  let sum = 0;
  for (const l of d.goods) sum += l.grossMassGrams;
  return sum;
}

function discrepancyPct(declared: number, reference: number | null): number | null {
  if (reference === null || reference <= 0) return null;
  return (Math.abs(declared - reference) / reference) * 100;
}

function historyFields(party: 'declarant' | 'consignor' | 'consignee'): DeclarationField[] {
  const stats = (c: DecisionContext): TraderStats | null => c[party];
  return [
    decl(
      `${party}Declarations`,
      'number',
      true,
      `${party}'s prior declarations here`,
      (_d, c) => stats(c)?.declarations ?? null,
    ),
    decl(
      `${party}Inspections`,
      'number',
      true,
      `${party}'s prior inspections`,
      (_d, c) => stats(c)?.inspections ?? null,
    ),
    decl(
      `${party}Findings`,
      'number',
      true,
      `${party}'s prior inspections with findings`,
      (_d, c) => stats(c)?.findings ?? null,
    ),
    decl(
      `${party}Seizures`,
      'number',
      true,
      `${party}'s prior seizures`,
      (_d, c) => stats(c)?.seizures ?? null,
    ),
    decl(
      `${party}SeizureRate`,
      'number',
      true,
      `seizures per prior declaration of ${party} (missing when no prior declarations)`,
      (_d, c) => {
        const s = stats(c);
        return s === null || s.declarations <= 0 ? null : s.seizures / s.declarations;
      },
    ),
    decl(
      `${party}ComplianceRatio`,
      'number',
      true,
      `share of ${party}'s inspections without findings (missing when never inspected)`,
      (_d, c) => {
        const s = stats(c);
        return s === null || s.inspections <= 0 ? null : (s.inspections - s.findings) / s.inspections;
      },
    ),
  ];
}

export function createFieldCatalogue(unitValue: UnitValueLookup): ReadonlyMap<string, Field> {
  const fields: Field[] = [
    decl('port', 'string', false, 'port code', (d) => d.port),
    decl('direction', 'string', false, 'IMPORT / EXPORT / TRANSIT', (d) => d.direction),
    decl('transportMode', 'string', false, 'ROAD / RAIL', (d) => d.transportMode),
    decl('declarantId', 'string', false, 'declarant trader id', (d) => d.declarant.id, 'trader'),
    decl('consignorId', 'string', false, 'consignor trader id', (d) => d.consignor.id, 'trader'),
    decl('consigneeId', 'string', false, 'consignee trader id', (d) => d.consignee.id, 'trader'),
    decl('declarantCountry', 'string', false, 'declarant country', (d) => d.declarant.country, 'country'),
    decl('consignorCountry', 'string', false, 'consignor country', (d) => d.consignor.country, 'country'),
    decl('consigneeCountry', 'string', false, 'consignee country', (d) => d.consignee.country, 'country'),
    decl(
      'vehicleNationality',
      'string',
      false,
      'vehicle registration country',
      (d) => d.vehicle.nationality,
      'country',
    ),
    decl(
      'declarantAeo',
      'string',
      true,
      'declarant AEO status (missing when unknown)',
      (d) => d.declarant.aeo,
    ),
    decl('lineCount', 'number', false, 'number of goods lines', (d) => d.goods.length),
    decl('totalGrossKg', 'number', false, 'declared gross mass, kg', (d) => totalGrossGrams(d) / 1000),
    decl('documentTypes', 'stringSet', false, 'attached document types', (d) =>
      d.documents.map((x) => x.type),
    ),
    decl('hasBooking', 'boolean', false, 'an online slot booking exists', (d) => d.bookingId !== null),
    decl(
      'bookedMassDiscrepancyPct',
      'number',
      true,
      'declared vs booked gross mass, % of booked (missing without booking)',
      (d, c) => discrepancyPct(totalGrossGrams(d), c.bookedGrossMassGrams),
    ),
    decl(
      'weighbridgeDiscrepancyPct',
      'number',
      true,
      'declared vs weighbridge gross mass, % of measured (missing when not weighed)',
      (d) => discrepancyPct(totalGrossGrams(d), d.weighbridgeGrossMassGrams),
    ),
    decl(
      'pairFirstTime',
      'boolean',
      true,
      'first consignment between this consignor and consignee',
      (_d, c) => (c.pairSeenBefore === null ? null : !c.pairSeenBefore),
    ),
    ...historyFields('declarant'),
    ...historyFields('consignor'),
    ...historyFields('consignee'),
    line('hsCode', 'string', false, 'declared HS code', (l) => l.hsCode, 'hs'),
    line('hsChapter', 'string', false, 'HS chapter (2 digits)', (l) => l.hsCode.slice(0, 2), 'hs'),
    line('hsHeading', 'string', false, 'HS heading (4 digits)', (l) => l.hsCode.slice(0, 4), 'hs'),
    line('hsSubheading', 'string', false, 'HS subheading (6 digits)', (l) => l.hsCode.slice(0, 6), 'hs'),
    line('originCountry', 'string', false, 'country of origin', (l) => l.originCountry, 'country'),
    line('description', 'string', false, 'goods description', (l) => l.description),
    line('packages', 'number', false, 'number of packages', (l) => l.packages),
    line('grossKg', 'number', false, 'gross mass, kg', (l) => l.grossMassGrams / 1000),
    line('netKg', 'number', false, 'net mass, kg', (l) => l.netMassGrams / 1000),
    line('currency', 'string', false, 'invoice currency', (l) => l.currency),
    line('valuePerKg', 'number', true, 'value in minor units per kg net (missing when net mass is 0)', (l) =>
      l.netMassGrams > 0 ? (l.valueMinor * 1000) / l.netMassGrams : null,
    ),
    line(
      'unitValueRatio',
      'number',
      true,
      'value per kg / reference value per kg for the HS code (missing without a reference in that currency)',
      (l) => {
        const reference = unitValue(l.hsCode, l.currency);
        return reference === null || l.netMassGrams <= 0
          ? null
          : (l.valueMinor * 1000) / l.netMassGrams / reference;
      },
    ),
    line('dangerousGoods', 'boolean', false, 'a UN number is declared', (l) => l.dangerousGoods !== null),
    line(
      'unNumber',
      'string',
      true,
      'UN number (missing when not dangerous goods)',
      (l) => l.dangerousGoods?.unNumber ?? null,
    ),
    line(
      'hazardClass',
      'string',
      true,
      'ADR/RID class (missing when not dangerous goods)',
      (l) => l.dangerousGoods?.hazardClass ?? null,
    ),
    line(
      'temperatureControlled',
      'boolean',
      false,
      'a temperature range is declared',
      (l) => l.temperatureControl !== null,
    ),
  ];
  return new Map(fields.map((f) => [f.name, f]));
}
