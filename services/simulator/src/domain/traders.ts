// The trader population: repeat importers and exporters with their own size, goods, suppliers, AEO
// status and compliance propensity; the forwarders who lodge transit declarations; and one-off
// "fly-by-night" companies that appear once or twice and are far more likely to cheat. As in EAEU law,
// the declarant is the importer or exporter (a customs representative files on its behalf, but is not
// the declarant); when neither is established here (transit), the forwarder or carrier declares.
import type { AeoStatus } from '@clearway/schemas';
import { goodsCatalogue, type GoodsTemplate, type TradeFlow, type ViolationKind } from './goods-catalogue.ts';
import type { Random } from './random.ts';

export type TraderRole = 'FORWARDER' | 'IMPORTER' | 'EXPORTER';

export interface Trader {
  id: string;
  name: string;
  country: string;
  aeo: AeoStatus | null;
  role: TraderRole;
  /** Multiplies the chance that a shipment of this trader is non-compliant; 1 is average. */
  propensity: number;
  /** Relative number of shipments. */
  volume: number;
  /** Goods the trader usually moves (template ids). */
  goods: readonly string[];
  /** Regular counterparts (consignor ids for an importer, consignee ids for an exporter). */
  partners: readonly string[];
  /** The fraud this trader tends to commit, when it does. */
  habit: ViolationKind | null;
  flyByNight: boolean;
}

/** Traders named in open enforcement cases (the reference ruleset's watch list): known bad actors. */
export const watchListedTraderIds = [
  'KZ-BIN-990440001122',
  'KZ-BIN-871203000456',
  'CN-USCC-91650200MA77XJ3K2B',
] as const;

export interface Population {
  traders: ReadonlyMap<string, Trader>;
  /** Transit declarants (forwarding agents and carriers) of the administration's country. */
  forwarders: readonly Trader[];
  /** Importers by the flow whose goods they receive; weights are volumes. */
  consignees: Readonly<Record<TradeFlow, readonly Trader[]>>;
  exporters: Readonly<Record<TradeFlow, readonly Trader[]>>;
}

const kzWords = [
  'Altyn',
  'Zhetisu',
  'Nurly',
  'Koktem',
  'Arman',
  'Baiterek',
  'Sapar',
  'Kerueen',
  'Tulpar',
  'Ak Zhol',
  'Dala',
  'Shanyrak',
  'Zhibek Zholy',
  'Samal',
  'Orda',
  'Aksu',
  'Ile',
  'Saryarka',
  'Kokzhiek',
  'Aral',
  'Kazyna',
  'Esil',
  'Talap',
  'Bereke',
];
const kzKinds = [
  'Trade',
  'Logistics',
  'Import',
  'Commerce',
  'Group',
  'Distribution',
  'Holding',
  'Service',
  'Invest',
  'Market',
];
const cnWords = [
  'Huaxin',
  'Jinhai',
  'Xinda',
  'Hengtai',
  'Tianshan',
  'Longwei',
  'Ruifeng',
  'Zhongtai',
  'Yongsheng',
  'Haoyuan',
  'Shengda',
  'Kaida',
  'Dingxin',
  'Hongyu',
  'Jiahe',
  'Baiyun',
  'Fuxing',
  'Xinghai',
  'Tongda',
  'Wanli',
];
const cnKinds = [
  'Import & Export',
  'International Trade',
  'Technology',
  'Industrial',
  'Trading',
  'Supply Chain',
  'Electronics',
  'Garments',
];
const cnRegions: readonly (readonly [string, string, number])[] = [
  ['654004', 'Khorgos', 6],
  ['650102', 'Urumqi', 6],
  ['654002', 'Yining', 3],
  ['330782', 'Yiwu', 6],
  ['440300', 'Shenzhen', 5],
  ['440104', 'Guangzhou', 4],
  ['320506', 'Suzhou', 2],
  ['370202', 'Qingdao', 2],
  ['610113', "Xi'an", 2],
  ['500103', 'Chongqing', 2],
  ['130104', 'Shijiazhuang', 1],
];
const otherWords = [
  'Silk Road',
  'Caravan',
  'Oasis',
  'Samarkand',
  'Pamir',
  'Ala-Too',
  'Ural',
  'Sibir',
  'Volga',
  'Herat',
  'Kabul',
  'Tabriz',
  'Anatolia',
  'Baltic',
  'Vistula',
];
const alnum = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function digits(random: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(random.int(0, 9));
  return s;
}

/** A trader id in the form the reference data uses: country, scheme, national number. */
export function traderId(random: Random, country: string): string {
  switch (country) {
    case 'KZ': {
      const yy = String(random.int(0, 24) + (random.chance(0.3) ? 75 : 0)).padStart(2, '0');
      const mm = String(random.int(1, 12)).padStart(2, '0');
      return `KZ-BIN-${yy.slice(-2)}${mm}40${digits(random, 6)}`;
    }
    case 'CN': {
      const [region] = random.weighted(cnRegions.map((r) => [r, r[2]] as const));
      let tail = '';
      for (let i = 0; i < 8; i++) tail += alnum[random.int(0, alnum.length - 1)];
      return `CN-USCC-91${region}MA${tail}`;
    }
    case 'RU':
      return `RU-INN-${random.pick(['77', '78', '54', '66', '55', '72'])}${digits(random, 8)}`;
    case 'UZ':
      return `UZ-TIN-${random.pick(['2', '3'])}${digits(random, 8)}`;
    case 'KG':
      return `KG-INN-0${digits(random, 13)}`;
    case 'TJ':
      return `TJ-INN-${digits(random, 9)}`;
    case 'AF':
      return `AF-TIN-${digits(random, 10)}`;
    case 'IR':
      return `IR-NID-${digits(random, 11)}`;
    case 'TR':
      return `TR-VKN-${digits(random, 10)}`;
    default:
      return `${country}-EORI-${country}${digits(random, 12)}`;
  }
}

function traderName(random: Random, country: string, role: TraderRole): string {
  if (country === 'CN') {
    const [, city] = random.weighted(cnRegions.map((r) => [r, r[2]] as const));
    return `${city} ${random.pick(cnWords)} ${random.pick(cnKinds)} Co., Ltd.`;
  }
  if (country === 'KZ')
    return role === 'FORWARDER'
      ? `${random.pick(kzWords)} ${random.pick(['Trans', 'Logistic', 'Freight', 'Express'])} LLP`
      : `${random.pick(kzWords)} ${random.pick(kzKinds)} LLP`;
  const form: Record<string, string> = {
    RU: 'LLC',
    UZ: 'MChJ',
    KG: 'OsOO',
    TJ: 'LLC',
    AF: 'Ltd',
    IR: 'Co.',
    TR: 'Ltd. Şti.',
    DE: 'GmbH',
    PL: 'Sp. z o.o.',
    LT: 'UAB',
  };
  return `${random.pick(otherWords)} ${random.pick(kzKinds)} ${form[country] ?? 'Ltd'}`;
}

function aeoFor(random: Random, size: number, country: string): AeoStatus | null {
  if (country !== 'KZ' && country !== 'CN') return random.chance(0.5) ? null : 'NONE';
  const big = size > 0.05;
  const r = random.next();
  if (r < (big ? 0.12 : 0.03)) return 'AEOC';
  if (r < (big ? 0.18 : 0.04)) return 'AEOS';
  if (r < (big ? 0.2 : 0.045)) return 'AEOF';
  return random.chance(0.1) ? null : 'NONE';
}

/**
 * Propensity: most traders are honest most of the time; a minority is persistently risky. Big,
 * established traders and AEOs have more to lose and cheat less.
 */
function propensityFor(random: Random, aeo: AeoStatus | null, volume: number): number {
  const base = random.logNormal(0.5);
  const risky = random.chance(0.07) ? random.between(4, 9) : 1;
  const trusted = aeo === 'AEOC' || aeo === 'AEOS' || aeo === 'AEOF' ? 0.2 : 1;
  const size = volume > 0.1 ? 0.4 : volume > 0.03 ? 0.7 : 1;
  return base * risky * trusted * size;
}

function habitFor(random: Random, goods: readonly GoodsTemplate[]): ViolationKind | null {
  if (random.chance(0.4)) return null;
  const canMisdeclare = goods.some((g) => g.misdeclaredAs !== undefined);
  return random.weighted<ViolationKind>([
    ['UNDERVALUED', 5],
    ['MISDECLARED_HS', canMisdeclare ? 3 : 0],
    ['UNDECLARED_GOODS', 2],
    ['PROHIBITED_GOODS', 0.4],
  ]);
}

const byFlow = (flow: TradeFlow) => goodsCatalogue.filter((g) => g.flow === flow);

function typicalGoods(random: Random, flow: TradeFlow, count: number): GoodsTemplate[] {
  const pool = byFlow(flow);
  const chosen = new Set<GoodsTemplate>();
  // Most traders specialise in one category (an electronics importer, a fruit wholesaler).
  const first = random.weighted(pool.map((g) => [g, g.weight] as const));
  chosen.add(first);
  const sameCategory = pool.filter((g) => g.category === first.category);
  while (chosen.size < count) {
    const from = random.chance(0.6) && sameCategory.length > chosen.size ? sameCategory : pool;
    chosen.add(random.weighted(from.map((g) => [g, g.weight] as const)));
  }
  return [...chosen];
}

export interface PopulationOptions {
  /** Country of the administration whose port this is; forwarders are registered there. */
  administration: 'KZ' | 'CN';
}

/** Builds the repeat-trader population; deterministic for a given random stream. */
export function createPopulation(random: Random, options: PopulationOptions): Population {
  const traders = new Map<string, Trader>();
  const add = (t: Trader): Trader => {
    traders.set(t.id, t);
    return t;
  };
  const zipf = (rank: number) => 1 / (rank + 1) ** 0.7;

  const forwarders: Trader[] = [];
  for (let i = 0; i < 60; i++) {
    const country = options.administration;
    const aeo: AeoStatus = random.weighted<AeoStatus>([
      ['NONE', 65],
      ['AEOC', 20],
      ['AEOS', 10],
      ['AEOF', 5],
    ]);
    forwarders.push(
      add({
        id: traderId(random, country),
        name: traderName(random, country, 'FORWARDER'),
        country,
        aeo,
        role: 'FORWARDER',
        // A forwarder's diligence matters a little: careless ones let more through.
        propensity: random.logNormal(0.3),
        volume: zipf(i),
        goods: [],
        partners: [],
        habit: null,
        flyByNight: false,
      }),
    );
  }

  const makeExporters = (flow: TradeFlow, countries: readonly (readonly [string, number])[], n: number) => {
    const out: Trader[] = [];
    for (let i = 0; i < n; i++) {
      const country = random.weighted(countries);
      const volume = zipf(i);
      const aeo = aeoFor(random, volume, country);
      const goods = typicalGoods(random, flow, random.int(1, 3));
      out.push(
        add({
          id: traderId(random, country),
          name: traderName(random, country, 'EXPORTER'),
          country,
          aeo,
          role: 'EXPORTER',
          propensity: propensityFor(random, aeo, volume),
          volume,
          goods: goods.map((g) => g.id),
          partners: [],
          habit: null,
          flyByNight: false,
        }),
      );
    }
    return out;
  };
  const exporters: Record<TradeFlow, Trader[]> = {
    CN_OUT: makeExporters('CN_OUT', [['CN', 1]], 700),
    KZ_OUT: makeExporters('KZ_OUT', [['KZ', 1]], 120),
    SOUTH_IN: makeExporters(
      'SOUTH_IN',
      [
        ['UZ', 5],
        ['AF', 3],
        ['IR', 3],
        ['TJ', 1],
        ['TR', 1],
      ],
      80,
    ),
  };

  const makeImporters = (flow: TradeFlow, countries: readonly (readonly [string, number])[], n: number) => {
    const out: Trader[] = [];
    const suppliers = exporters[flow];
    for (let i = 0; i < n; i++) {
      const country = random.weighted(countries);
      const volume = zipf(i);
      const aeo = aeoFor(random, volume, country);
      const goods = typicalGoods(random, flow, random.int(1, 4));
      const partnerCount = Math.min(suppliers.length, random.int(1, volume > 0.05 ? 8 : 4));
      const partners = new Set<string>();
      while (partners.size < partnerCount) {
        // Suppliers that make the trader's goods are preferred.
        const candidate = random.weighted(
          suppliers.map(
            (s) => [s, s.volume * (s.goods.some((g) => goods.some((t) => t.id === g)) ? 5 : 1)] as const,
          ),
        );
        partners.add(candidate.id);
      }
      out.push(
        add({
          id: traderId(random, country),
          name: traderName(random, country, 'IMPORTER'),
          country,
          aeo,
          role: 'IMPORTER',
          propensity: propensityFor(random, aeo, volume),
          volume,
          goods: goods.map((g) => g.id),
          partners: [...partners],
          habit: habitFor(random, goods),
          flyByNight: false,
        }),
      );
    }
    return out;
  };
  const consignees: Record<TradeFlow, Trader[]> = {
    CN_OUT: makeImporters(
      'CN_OUT',
      [
        ['KZ', 72],
        ['UZ', 12],
        ['KG', 8],
        ['RU', 7],
        ['TJ', 3],
        ['DE', 1.5],
        ['PL', 1.5],
        ['LT', 1],
      ],
      1400,
    ),
    KZ_OUT: makeImporters('KZ_OUT', [['CN', 1]], 150),
    SOUTH_IN: makeImporters('SOUTH_IN', [['CN', 1]], 60),
  };

  // The watch-listed traders are persistent offenders with steady business.
  const [kzA, kzB, cnA] = watchListedTraderIds;
  const cnOut = consignees.CN_OUT;
  for (const [id, slot] of [
    [kzA, 40],
    [kzB, 90],
  ] as const) {
    const t = cnOut[slot]!;
    traders.delete(t.id);
    const offender: Trader = { ...t, id, country: 'KZ', aeo: 'NONE', propensity: 12, habit: 'UNDERVALUED' };
    cnOut[slot] = offender;
    traders.set(id, offender);
  }
  const supplier = exporters.CN_OUT[25]!;
  traders.delete(supplier.id);
  const cnOffender: Trader = { ...supplier, id: cnA, aeo: 'NONE', propensity: 10 };
  exporters.CN_OUT[25] = cnOffender;
  traders.set(cnA, cnOffender);
  for (const [i, t] of cnOut.entries())
    if (t.partners.includes(supplier.id))
      cnOut[i] = { ...t, partners: t.partners.map((p) => (p === supplier.id ? cnA : p)) };
  for (const t of cnOut) traders.set(t.id, t);

  return { traders, forwarders, consignees, exporters };
}

/** A one-off company: registered recently, no track record, usually declares itself. */
export function createFlyByNight(random: Random, flow: TradeFlow, country: string): Trader {
  const goods = typicalGoods(random, flow, 1);
  return {
    id: traderId(random, country),
    name: traderName(random, country, 'IMPORTER'),
    country,
    aeo: random.chance(0.3) ? null : 'NONE',
    role: 'IMPORTER',
    propensity: random.between(6, 16),
    volume: 0,
    goods: goods.map((g) => g.id),
    partners: [],
    habit: habitFor(random, goods),
    flyByNight: true,
  };
}
