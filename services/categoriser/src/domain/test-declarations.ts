// Builders for declarations in unit tests: a valid baseline that each test overrides.
import type { Declaration, GoodsLine } from '@clearway/schemas';
import type { DecisionContext } from './decision-context.ts';

export function aLine(overrides: Partial<GoodsLine> = {}): GoodsLine {
  return {
    lineNo: 1,
    hsCode: '940360',
    description: 'wooden furniture',
    packages: 10,
    grossMassGrams: 1_000_000,
    netMassGrams: 900_000,
    valueMinor: 500_000,
    currency: 'USD',
    originCountry: 'CN',
    dangerousGoods: null,
    temperatureControl: null,
    ...overrides,
  };
}

export function aDeclaration(overrides: Partial<Declaration> = {}): Declaration {
  return {
    declarationId: 'D-1',
    amendment: 0,
    submittedAt: Date.parse('2025-06-01T10:00:00Z'),
    port: 'KHORGOS',
    direction: 'IMPORT',
    transportMode: 'ROAD',
    declarant: { id: 'KZ-DECL-1', name: 'Broker LLP', country: 'KZ', aeo: 'NONE' },
    consignor: { id: 'CN-SHIP-1', name: 'Exporter Co', country: 'CN', aeo: null },
    consignee: { id: 'KZ-BUY-1', name: 'Importer LLP', country: 'KZ', aeo: null },
    vehicle: { tractorPlate: '123ABC02', trailerPlate: null, nationality: 'KZ' },
    bookingId: null,
    slot: null,
    weighbridgeGrossMassGrams: null,
    goods: [aLine()],
    documents: [{ type: 'INVOICE', reference: 'INV-1' }],
    ...overrides,
  };
}

export function aContext(overrides: Partial<DecisionContext> = {}): DecisionContext {
  return {
    declarant: { declarations: 50, inspections: 10, findings: 1, seizures: 0 },
    consignor: null,
    consignee: null,
    pairSeenBefore: true,
    bookedGrossMassGrams: null,
    ...overrides,
  };
}
