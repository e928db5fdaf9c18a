import type { Declaration } from '@clearway/schemas';

/** A plausible Khorgos road declaration (real HS codes), for tests that need one. */
export function sampleDeclaration(overrides: Partial<Declaration> = {}): Declaration {
  return {
    declarationId: 'KGS-2026-000001',
    amendment: 0,
    submittedAt: Date.parse('2026-11-20T08:15:00Z'),
    port: 'KHORGOS',
    direction: 'IMPORT',
    transportMode: 'ROAD',
    declarant: { id: 'KZ-BIN-990440001234', name: 'Altyn Broker LLP', country: 'KZ', aeo: 'AEOC' },
    consignor: {
      id: 'CN-USCC-91650000MA77',
      name: 'Xinjiang Silk Road Trading Co.',
      country: 'CN',
      aeo: null,
    },
    consignee: { id: 'KZ-BIN-180540009876', name: 'Almaty Electronics LLP', country: 'KZ', aeo: 'NONE' },
    vehicle: { tractorPlate: '777ABC02', trailerPlate: '12XYZ02', nationality: 'KZ' },
    bookingId: 'BK-20261120-0042',
    slot: { start: Date.parse('2026-11-20T09:00:00Z'), end: Date.parse('2026-11-20T10:00:00Z') },
    weighbridgeGrossMassGrams: 18_450_000,
    goods: [
      {
        lineNo: 1,
        hsCode: '847130',
        description: 'Portable laptops',
        packages: 120,
        grossMassGrams: 6_200_000,
        netMassGrams: 5_800_000,
        valueMinor: 14_400_000_00,
        currency: 'USD',
        originCountry: 'CN',
        dangerousGoods: null,
        temperatureControl: null,
      },
      {
        lineNo: 2,
        hsCode: '640299',
        description: 'Sports footwear, rubber soles',
        packages: 300,
        grossMassGrams: 12_000_000,
        netMassGrams: 11_100_000,
        valueMinor: 3_600_000_00,
        currency: 'USD',
        originCountry: 'CN',
        dangerousGoods: null,
        temperatureControl: null,
      },
    ],
    documents: [
      { type: 'INVOICE', reference: 'INV-88812' },
      { type: 'CMR', reference: 'CMR-5531' },
      { type: 'PACKING_LIST', reference: 'PL-88812' },
    ],
    ...overrides,
  };
}
