// Deterministic synthetic Khorgos traffic: a realistic mix of real HS codes (mostly general cargo
// from China, some excise, food, electronics, a few arms and animals), 1-8 lines, values around the
// reference unit values with some undervaluation, bookings, weighbridge readings and trader history.
import type { AttachedDocument, Declaration, GoodsLine } from '@clearway/schemas';
import type { DecisionContext, TraderStats } from '../src/domain/index.ts';
import { createRandom, pick, pickWeighted } from './seeded-random.ts';

/** [hsCode, weight, typical USD cents per kg net, typical net kg per line] */
const goods: readonly (readonly [string, number, number, number])[] = [
  ['940360', 10, 250, 6000],
  ['392690', 8, 300, 3000],
  ['730890', 6, 150, 10000],
  ['841510', 6, 900, 2500],
  ['870899', 6, 700, 3000],
  ['401110', 5, 400, 5000],
  ['847130', 6, 30000, 800],
  ['847141', 2, 20000, 600],
  ['851713', 3, 80000, 300],
  ['851762', 3, 15000, 500],
  ['852852', 3, 6000, 1500],
  ['610910', 6, 1500, 4000],
  ['611020', 4, 2000, 3000],
  ['620342', 4, 1800, 3000],
  ['620462', 3, 1800, 2500],
  ['640299', 4, 900, 3000],
  ['640399', 2, 3000, 2000],
  ['640411', 2, 1500, 2500],
  ['080810', 3, 80, 15000],
  ['070200', 3, 90, 12000],
  ['020714', 2, 250, 18000],
  ['040120', 1, 100, 20000],
  ['240220', 1, 4000, 5000],
  ['220830', 1, 1500, 8000],
  ['220300', 1, 150, 15000],
  ['271019', 1, 80, 20000],
  ['300490', 2, 5000, 1500],
  ['252321', 2, 8, 22000],
  ['720839', 2, 70, 22000],
  ['842911', 1, 700, 20000],
  ['860900', 1, 0, 0],
  ['880622', 1, 10000, 300],
  ['852691', 1, 20000, 200],
  ['930320', 0.2, 20000, 300],
  ['010229', 0.3, 200, 10000],
  ['010410', 0.3, 250, 8000],
  ['320890', 2, 300, 5000],
  ['570110', 1, 2000, 2000],
  ['901890', 1, 120000, 200],
  ['710812', 0.1, 6000000, 20],
];
const origins = [
  ['CN', 90],
  ['KZ', 3],
  ['AF', 1],
  ['IR', 1],
  ['TR', 2],
  ['UZ', 3],
] as const;
const watchlisted = ['KZ-BIN-990440001122', 'KZ-BIN-871203000456', 'CN-USCC-91650200MA77XJ3K2B'];
const aeo = [
  ['NONE', 70],
  ['AEOC', 15],
  ['AEOS', 8],
  ['AEOF', 2],
] as const;

export interface SyntheticInput {
  declaration: Declaration;
  context: DecisionContext;
}

export function generateDeclarations(count: number, seed = 20250615): SyntheticInput[] {
  const random = createRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const stats = (): TraderStats | null => {
    if (random() < 0.05) return null;
    const declarations = int(0, 500);
    const inspections = Math.floor(declarations * random() * 0.2);
    const findings = Math.floor(inspections * random() * random() * 0.6);
    return { declarations, inspections, findings, seizures: random() < 0.02 ? int(1, 3) : 0 };
  };
  const out: SyntheticInput[] = [];
  for (let i = 0; i < count; i++) {
    const lineCount = pickWeighted(random, [
      [1, 30],
      [2, 20],
      [3, 15],
      [4, 10],
      [5, 8],
      [6, 7],
      [7, 5],
      [8, 5],
    ] as const);
    const lines: GoodsLine[] = [];
    for (let n = 1; n <= lineCount; n++) {
      const [hsCode, , perKg, netKg] = pickWeighted(
        random,
        goods.map((g) => [g, g[1]] as const),
      );
      const net = Math.round(netKg * (0.5 + random()) * 1000);
      const undervalued = random() < 0.05 ? 0.3 : 1;
      lines.push({
        lineNo: n,
        hsCode: random() < 0.3 ? `${hsCode}${String(int(0, 9999)).padStart(4, '0')}` : hsCode,
        description: `goods ${hsCode}`,
        packages: int(1, 400),
        grossMassGrams: Math.round(net * (1.02 + random() * 0.1)) + (net === 0 ? 3_800_000 : 0),
        netMassGrams: net,
        valueMinor: Math.round((net / 1000) * perKg * (0.6 + random() * 0.8) * undervalued),
        currency: random() < 0.9 ? 'USD' : 'CNY',
        originCountry: pickWeighted(random, origins),
        dangerousGoods:
          hsCode === '320890' || (hsCode === '271019' && random() < 0.5)
            ? { unNumber: hsCode === '320890' ? '1263' : '1202', hazardClass: '3' }
            : null,
        temperatureControl:
          hsCode.startsWith('02') || hsCode.startsWith('04')
            ? { minDeciCelsius: -200, maxDeciCelsius: -180 }
            : null,
      });
    }
    const documents: AttachedDocument[] = [
      { type: 'INVOICE', reference: `INV-${i}` },
      { type: 'CMR', reference: `CMR-${i}` },
    ];
    if (random() < 0.5) documents.push({ type: 'PACKING_LIST', reference: `PL-${i}` });
    for (const type of ['VETERINARY', 'PHYTOSANITARY', 'LICENCE'] as const)
      if (random() < 0.3) documents.push({ type, reference: `${type}-${i}` });
    const gross = lines.reduce((s, l) => s + l.grossMassGrams, 0);
    const booked = random() < 0.6;
    const declaration: Declaration = {
      declarationId: `KHG-SYN-${String(i).padStart(8, '0')}`,
      amendment: random() < 0.05 ? 1 : 0,
      submittedAt: Date.parse('2025-01-01T00:00:00Z') + Math.floor(random() * 365 * 86_400_000),
      port: 'KHORGOS',
      direction: random() < 0.85 ? 'IMPORT' : 'TRANSIT',
      transportMode: 'ROAD',
      declarant: {
        id: `KZ-BIN-${int(100000, 100400)}`,
        name: 'Broker',
        country: 'KZ',
        aeo: random() < 0.1 ? null : pickWeighted(random, aeo),
      },
      consignor: {
        id: random() < 0.01 ? pick(random, watchlisted) : `CN-USCC-${int(1, 3000)}`,
        name: 'Exporter',
        country: 'CN',
        aeo: null,
      },
      consignee: {
        id: random() < 0.01 ? pick(random, watchlisted) : `KZ-BIN-${int(200000, 203000)}`,
        name: 'Importer',
        country: 'KZ',
        aeo: null,
      },
      vehicle: {
        tractorPlate: `${int(100, 999)}ABC02`,
        trailerPlate: null,
        nationality: random() < 0.7 ? 'KZ' : 'CN',
      },
      bookingId: booked ? `BK-${i}` : null,
      slot: null,
      weighbridgeGrossMassGrams: random() < 0.5 ? Math.round(gross * (0.96 + random() * 0.1)) : null,
      goods: lines,
      documents,
    };
    const context: DecisionContext = {
      declarant: stats(),
      consignor: stats(),
      consignee: stats(),
      pairSeenBefore: random() < 0.05 ? null : random() < 0.8,
      bookedGrossMassGrams: booked ? Math.round(gross * (0.9 + random() * 0.2)) : null,
    };
    out.push({ declaration, context });
  }
  return out;
}
