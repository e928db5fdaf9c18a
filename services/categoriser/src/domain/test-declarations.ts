// Builders for declarations in unit tests: a valid baseline that each test overrides.
import type { Declaration, GoodsLine } from '@clearway/schemas';
import type { DecisionContext, TraderStats } from './decision-context.ts';

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

/** mulberry32: deterministic, so generated inputs are the same on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Varied declarations for equivalence tests: real and odd HS codes (short, non-digit, 10 digits),
 * missing history, zero masses, other currencies, dates around validity windows, empty goods.
 */
export function syntheticInputs(
  count: number,
  seed = 1,
): { declaration: Declaration; context: DecisionContext }[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const hs = [
    '940360',
    '847130',
    '851713',
    '610910',
    '640299',
    '640399',
    '010229',
    '020714',
    '240220',
    '220830',
    '271019',
    '300490',
    '930320',
    '360100',
    '880622',
    '842911',
    '252321',
    '080810',
    '070200',
    '320890',
    '8471300000',
    '6403990010',
    '0102290000',
    '93',
    '0101',
    '12A456',
    '84713',
    '220300',
    '999999',
    '710812',
  ];
  const countries = ['CN', 'KZ', 'AF', 'IR', 'TR', 'UZ', 'RU', 'DE'];
  const traders = ['KZ-BIN-990440001122', 'KZ-BIN-1', 'CN-USCC-2', 'KZ-BIN-871203000456', 'T-9'];
  const docTypes = ['INVOICE', 'CMR', 'PACKING_LIST', 'VETERINARY', 'PHYTOSANITARY', 'LICENCE'];
  const stats = (): TraderStats | null =>
    random() < 0.15
      ? null
      : {
          declarations: int(0, 40),
          inspections: random() < 0.2 ? 0 : int(1, 60),
          findings: int(0, 5),
          seizures: random() < 0.1 ? int(1, 2) : 0,
        };
  const nullable = <T>(p: number, make: () => T): T | null => (random() < p ? null : make());
  const party = (): Declaration['declarant'] => ({
    id: pick(traders),
    name: pick(['Broker', 'Exporter Co', 'Ünïcode Ltd']),
    country: pick(countries),
    aeo: nullable(0.2, () => pick(['NONE', 'AEOC', 'AEOS', 'AEOF'])),
  });
  const out: { declaration: Declaration; context: DecisionContext }[] = [];
  for (let i = 0; i < count; i++) {
    const goods = Array.from({ length: random() < 0.03 ? 0 : int(1, 9) }, (_, n) => {
      const net = random() < 0.1 ? 0 : int(1, 30_000_000);
      return aLine({
        lineNo: n + 1,
        hsCode: pick(hs),
        description: `goods ${i}.${n}`,
        packages: int(1, 500),
        grossMassGrams: net + int(0, 2_000_000),
        netMassGrams: net,
        valueMinor: random() < 0.05 ? 0 : Math.round(net * random() * pick([0.01, 0.2, 1, 5, 200])),
        currency: pick(['USD', 'USD', 'USD', 'CNY', 'EUR']),
        originCountry: pick(countries),
        dangerousGoods: nullable(0.85, () => ({
          unNumber: pick(['1263', '1202']),
          hazardClass: pick(['3', '2.1']),
        })),
        temperatureControl: nullable(0.85, () => ({ minDeciCelsius: -200, maxDeciCelsius: int(-190, 50) })),
      });
    });
    const gross = goods.reduce((s, l) => s + l.grossMassGrams, 0);
    const documents = docTypes
      .filter(() => random() < 0.4)
      .map((type, n) => ({ type, reference: `${type}-${i}-${n}` }));
    out.push({
      declaration: aDeclaration({
        declarationId: `EQ-${seed}-${i}`,
        amendment: int(0, 2),
        submittedAt:
          Date.parse('2025-01-01T00:00:00Z') + Math.floor(random() * 365 * 86_400_000) + 0.5 * int(0, 1),
        direction: pick(['IMPORT', 'EXPORT', 'TRANSIT']),
        transportMode: pick(['ROAD', 'RAIL']),
        declarant: party(),
        consignor: party(),
        consignee: party(),
        vehicle: {
          tractorPlate: `${int(100, 999)}AB`,
          trailerPlate: nullable(0.5, () => 'TR-1'),
          nationality: pick(countries),
        },
        bookingId: nullable(0.4, () => `BK-${i}`),
        slot: nullable(0.7, () => ({ start: 1_750_000_000_000, end: 1_750_000_000_000 + int(1, 3_600_000) })),
        weighbridgeGrossMassGrams: nullable(0.4, () =>
          random() < 0.1 ? 0 : Math.round(gross * (0.9 + random() * 0.2)),
        ),
        goods,
        documents,
      }),
      context: {
        declarant: stats(),
        consignor: stats(),
        consignee: stats(),
        pairSeenBefore: nullable(0.1, () => random() < 0.7),
        bookedGrossMassGrams: nullable(0.4, () =>
          random() < 0.05 ? 0 : Math.round(gross * (0.8 + random() * 0.4)) + 0.25,
        ),
      },
    });
  }
  return out;
}
