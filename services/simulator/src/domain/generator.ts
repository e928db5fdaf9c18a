// The traffic generator: trucks arriving over a simulated day, each with its declaration (and sometimes
// an amendment), its slot booking when the driver booked one, and the ground truth. Bookings that never
// turn up (no-shows) are generated too. Pure: the HS list, the profile and the start time come in as
// data, randomness from the seed; the same options give the same traffic, event for event.
import type {
  AttachedDocument,
  Booking,
  Declaration,
  Direction,
  GoodsLine,
  Party,
  SlotWindow,
  Vehicle,
} from '@clearway/schemas';
import {
  goodsCatalogue,
  prohibitedGoods,
  type ContrabandTemplate,
  type GoodsTemplate,
  type TradeFlow,
  type ViolationKind,
} from './goods-catalogue.ts';
import type { GroundTruth, HiddenGoods } from './ground-truth.ts';
import { createRandom, type Random } from './random.ts';
import { hourlyTrucks, type TrafficProfile } from './traffic-profile.ts';
import { createFlyByNight, createPopulation, type Population, type Trader } from './traders.ts';

export type PortCode = 'KHORGOS' | 'ALASHANKOU';

interface PortSetup {
  idPrefix: string;
  utcOffsetMinutes: number;
  /** Country of the customs administration at this side of the border. */
  administration: 'KZ' | 'CN';
}

export const ports: Readonly<Record<PortCode, PortSetup>> = {
  KHORGOS: { idPrefix: 'KHG', utcOffsetMinutes: 300, administration: 'KZ' },
  ALASHANKOU: { idPrefix: 'AKS', utcOffsetMinutes: 480, administration: 'CN' },
};

export interface SimulatorOptions {
  seed: number | string;
  port: PortCode;
  /** The HS 2022 subheadings (6 digits) and their descriptions, from the HS data. */
  hsSubheadings: ReadonlyMap<string, string>;
  profile: TrafficProfile;
  /** Epoch ms of local midnight of day 0 at the port. */
  startDay: number;
  /** Distinguishes the ids of one run from another run of the same day (e.g. successive demos). */
  runTag?: string;
  /** Share of declarations that are non-compliant (default 0.08). */
  nonCompliantShare?: number;
  /** Share of trucks that book a slot (default 0.7). */
  bookingShare?: number;
  /** Bookings that never arrive, as a share of arriving booked trucks (default 0.06). */
  noShowShare?: number;
  /** Booked trucks that arrive after their slot (default 0.15). */
  lateShare?: number;
  /** Declarations amended before clearance (default 0.03). */
  amendmentShare?: number;
}

/** One version of a declaration with its truth. */
export interface DeclarationVersion {
  declaration: Declaration;
  truth: GroundTruth;
}

export interface Shipment {
  declarationId: string;
  arrivalAt: number;
  versions: DeclarationVersion[];
  booking: Booking | null;
  /** Mass on the truck (goods and packaging, including anything undeclared), grams. */
  actualGrossMassGrams: number;
  /** Probability of non-compliance the generator used (for diagnostics). */
  riskProbability: number;
}

export type SimEvent =
  | { kind: 'BOOKING'; at: number; booking: Booking }
  | { kind: 'DECLARATION'; at: number; declaration: Declaration; truth: GroundTruth };

export interface SimulatedDay {
  dayIndex: number;
  dayStart: number;
  shipments: Shipment[];
  /** Bookings whose truck never came. */
  noShows: Booking[];
  /** Every event of the day in time order (some bookings fall on the evening before). */
  events: SimEvent[];
}

export interface Simulator {
  readonly population: Population;
  readonly options: Required<SimulatorOptions>;
  /** Calibrated multiplier from risk weight to probability of a violation. */
  readonly riskScale: number;
  generateDay(dayIndex: number): SimulatedDay;
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Earliest event of a day relative to its start: bookings and pre-arrival declarations. */
const MAX_LEAD = 28 * HOUR;

/** Cumulative-weight picker for large lists (trader selection runs per truck). */
function createPicker<T>(items: readonly T[], weight: (t: T) => number): (random: Random) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const item of items) cumulative.push((total += weight(item)));
  return (random) => {
    const r = random.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return items[lo]!;
  };
}

interface CodeChoice {
  preferred: readonly string[];
  heading: readonly string[];
}

interface DraftLine {
  template: GoodsTemplate;
  hsCode: string;
  netGrams: number;
  grossGrams: number;
  packages: number;
  trueValueCents: number;
  originCountry: string;
  reefer: boolean;
}

interface Draft {
  flow: TradeFlow;
  direction: Direction;
  consignor: Trader;
  consignee: Trader;
  declarant: Trader;
  irregularPair: boolean;
  lines: DraftLine[];
  currency: string;
  riskWeight: number;
}

const currencyRates: Readonly<Record<string, number>> = { USD: 1, CNY: 7.2, RUB: 92, EUR: 0.92 };
const sensitiveOrigins = new Set(['AF', 'IR', 'KP', 'SY', 'MM', 'LY']);
const cnOutOrigins: readonly (readonly [string, number])[] = [
  ['CN', 960],
  ['VN', 10],
  ['KR', 8],
  ['IN', 7],
  ['TR', 6],
  ['IR', 2],
  ['KP', 0.5],
];
const flows: readonly (readonly [TradeFlow, number])[] = [
  ['CN_OUT', 80],
  ['KZ_OUT', 14],
  ['SOUTH_IN', 6],
];
const lineCounts: readonly (readonly [number, number])[] = [
  [1, 42],
  [2, 18],
  [3, 12],
  [4, 8],
  [5, 6],
  [6, 4],
  [7, 3],
  [8, 3],
  [10, 2],
  [12, 1.5],
  [15, 0.5],
];

function letters(random: Random, n: number, alphabet = 'ABCDEFGHJKLMNOPRSTUVXYZ'): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[random.int(0, alphabet.length - 1)];
  return s;
}
const num = (random: Random, n: number): string => String(random.int(0, 10 ** n - 1)).padStart(n, '0');

/** A registration plate in the country's format (tractor, or trailer when `trailer`). */
export function plateFor(random: Random, country: string, trailer = false): string {
  switch (country) {
    case 'KZ':
      return trailer
        ? `${num(random, 4)}${letters(random, 2)}${random.pick(['02', '05', '19', '17', '01'])}`
        : `${random.int(100, 999)}${letters(random, 3)}${random.pick(['02', '05', '19', '17', '01', '13'])}`;
    case 'CN':
      return trailer
        ? `新${random.pick(['F', 'A', 'D'])}${num(random, 4)}挂`
        : `新${random.pick(['F', 'F', 'A', 'D', 'B'])}${letters(random, 1, 'ABCDEFGHJKLMNPQRSTUVWXYZ')}${num(random, 4)}`;
    case 'RU':
      return `${letters(random, 1, 'ABEKMHOPCTYX')}${random.int(100, 999)}${letters(random, 2, 'ABEKMHOPCTYX')}${random.pick(['54', '55', '66', '77', '154', '174'])}`;
    case 'UZ':
      return `${random.pick(['01', '10', '30', '40', '60'])}${letters(random, 1)}${random.int(100, 999)}${letters(random, 2)}`;
    case 'KG':
      return `${random.pick(['01', '02', '03'])}KG${random.int(100, 999)}${letters(random, 3)}`;
    case 'TJ':
      return `${num(random, 4)}${letters(random, 2)}${random.pick(['01', '02', '03'])}`;
    case 'AF':
      return `${random.pick(['KBL', 'HRT', 'MZR'])}${num(random, 5)}`;
    case 'IR':
      return `${random.int(10, 99)}${letters(random, 1)}${random.int(100, 999)}${random.int(10, 99)}`;
    case 'TR':
      return `${random.pick(['34', '06', '35', '16'])}${letters(random, 3)}${random.int(100, 999)}`;
    default:
      return `${letters(random, 2)}${random.int(1000, 9999)}`;
  }
}

export function createSimulator(input: SimulatorOptions): Simulator {
  const options: Required<SimulatorOptions> = {
    nonCompliantShare: 0.08,
    bookingShare: 0.7,
    noShowShare: 0.06,
    lateShare: 0.15,
    amendmentShare: 0.03,
    runTag: '',
    ...input,
  };
  const port = ports[options.port];
  const root = createRandom(options.seed);
  const population = createPopulation(root.fork('population'), { administration: port.administration });

  const codes = new Map<string, CodeChoice>();
  const hs = options.hsSubheadings;
  const allCodes = [...hs.keys()];
  const checkCode = (code: string, what: string): string => {
    if (!hs.has(code)) throw new Error(`${what}: ${code} is not an HS 2022 subheading`);
    return code;
  };
  for (const t of goodsCatalogue) {
    const preferred = t.subheadings.map((c) => checkCode(c, `goods ${t.id}`));
    const headings = new Set(preferred.map((c) => c.slice(0, 4)));
    // Dangerous goods keep their own subheadings: a sibling could need another UN number.
    const heading =
      t.dangerous === undefined ? allCodes.filter((c) => headings.has(c.slice(0, 4))) : preferred;
    codes.set(t.id, { preferred, heading: heading.length > 0 ? heading : preferred });
    if (t.misdeclaredAs !== undefined) checkCode(t.misdeclaredAs, `goods ${t.id} misdeclaredAs`);
  }
  for (const p of prohibitedGoods) {
    checkCode(p.hsCode, `contraband ${p.id}`);
    if (p.declaredAs !== undefined) checkCode(p.declaredAs, `contraband ${p.id} declaredAs`);
  }
  const templates = new Map(goodsCatalogue.map((g) => [g.id, g]));
  const flowTemplates = (flow: TradeFlow) => goodsCatalogue.filter((g) => g.flow === flow);
  const templatePickers = new Map(
    (['CN_OUT', 'KZ_OUT', 'SOUTH_IN'] as const).map((f) => [
      f,
      createPicker(flowTemplates(f), (g) => g.weight),
    ]),
  );
  const consigneePickers = new Map(
    (['CN_OUT', 'KZ_OUT', 'SOUTH_IN'] as const).map((f) => [
      f,
      createPicker(population.consignees[f], (t) => t.volume),
    ]),
  );
  const exporterPickers = new Map(
    (['CN_OUT', 'KZ_OUT', 'SOUTH_IN'] as const).map((f) => [
      f,
      createPicker(population.exporters[f], (t) => t.volume),
    ]),
  );
  const forwarderPicker = createPicker(population.forwarders, (t) => t.volume);
  const smuggledTemplates = goodsCatalogue.filter((g) => g.flow === 'CN_OUT' && g.dutyRisk >= 1.5);

  const directionOf = (flow: TradeFlow, consignee: Trader): Direction => {
    if (port.administration === 'KZ') {
      if (flow === 'KZ_OUT') return 'EXPORT';
      if (flow === 'SOUTH_IN') return 'TRANSIT';
      return consignee.country === 'KZ' ? 'IMPORT' : 'TRANSIT';
    }
    return flow === 'CN_OUT' ? 'EXPORT' : 'IMPORT';
  };

  function draftShipment(random: Random, flyByNights: Trader[]): Draft {
    const flow = random.weighted(flows);
    // The party that buys the goods drives the business (and the fraud): the importer.
    let consignee: Trader;
    const flyShare = flow === 'CN_OUT' ? 0.045 : 0.02;
    if (random.chance(flyShare)) {
      const reuse = flyByNights.length > 0 && random.chance(0.3);
      if (reuse) consignee = random.pick(flyByNights);
      else {
        const country =
          flow === 'CN_OUT'
            ? random.weighted<string>([
                ['KZ', 70],
                ['UZ', 12],
                ['KG', 10],
                ['TJ', 5],
                ['RU', 3],
              ])
            : 'CN';
        consignee = createFlyByNight(random, flow, country);
        flyByNights.push(consignee);
        if (flyByNights.length > 200) flyByNights.shift();
      }
    } else consignee = consigneePickers.get(flow)!(random);

    const irregularPair = consignee.partners.length === 0 || random.chance(0.08);
    const consignor = irregularPair
      ? exporterPickers.get(flow)!(random)
      : population.traders.get(random.pick(consignee.partners))!;

    // The declarant is the importer or exporter established here; in transit, a forwarder.
    const declarant =
      consignee.country === port.administration
        ? consignee
        : consignor.country === port.administration
          ? consignor
          : forwarderPicker(random);

    // Goods: mostly what the trader usually moves; exporters' goods for export-driven flows.
    const typical = (flow === 'CN_OUT' ? consignee.goods : consignor.goods).map((id) => templates.get(id)!);
    const pickTemplate = (): GoodsTemplate =>
      typical.length > 0 && random.chance(0.85)
        ? random.weighted(typical.map((g) => [g, g.weight] as const))
        : templatePickers.get(flow)!(random);
    const first = pickTemplate();
    const single = first.category === 'EMPTY' || first.category === 'LIVESTOCK' || first.category === 'BULK';
    let count = single ? 1 : random.weighted(lineCounts);
    const chosen: GoodsTemplate[] = [first];
    for (let i = 1; i < count; i++) {
      const t = pickTemplate();
      if (t.category === 'EMPTY' || t.category === 'LIVESTOCK' || t.category === 'BULK') continue;
      chosen.push(t);
    }
    count = chosen.length;
    const reeferTruck = chosen.some((t) => t.reefer !== undefined && random.chance(t.reefer.share));

    const lines: DraftLine[] = chosen.map((template) => {
      const choice = codes.get(template.id)!;
      const sub = random.chance(0.85) ? random.pick(choice.preferred) : random.pick(choice.heading);
      const [lo, hi] = template.truckKg;
      const netKg =
        count === 1 ? random.between(lo, hi) : (random.between(lo, hi) / count) * random.between(0.6, 1.4);
      const netGrams = Math.round(netKg * 1000);
      const packaging = template.category === 'BULK' ? random.between(1, 1.01) : random.between(1.03, 1.12);
      const grossGrams = template.category === 'EMPTY' ? 3_800_000 : Math.round(netGrams * packaging);
      const origin =
        template.origins !== undefined
          ? random.weighted(template.origins)
          : flow === 'KZ_OUT'
            ? 'KZ'
            : random.weighted(cnOutOrigins);
      return {
        template,
        hsCode: sub,
        netGrams,
        grossGrams,
        packages: Math.max(1, Math.ceil(netKg / template.kgPerPackage)),
        trueValueCents: Math.round(netKg * template.centsPerKg * random.logNormal(0.3)),
        originCountry: origin,
        reefer: reeferTruck && template.reefer !== undefined,
      };
    });

    const currency =
      consignee.country === 'RU' && random.chance(0.5)
        ? 'RUB'
        : ['DE', 'PL', 'LT'].includes(consignee.country) && random.chance(0.7)
          ? 'EUR'
          : flow === 'CN_OUT' && random.chance(0.1)
            ? 'CNY'
            : 'USD';

    const forwarder = declarant.role === 'FORWARDER' ? declarant.propensity : 1;
    const goodsRisk = Math.max(...lines.map((l) => l.template.dutyRisk));
    const sensitive = lines.some((l) => sensitiveOrigins.has(l.originCountry)) ? 4 : 1;
    const riskWeight =
      consignee.propensity *
      Math.sqrt(consignor.propensity) *
      forwarder *
      (irregularPair ? 1.8 : 1) *
      goodsRisk *
      sensitive *
      (flow === 'KZ_OUT' ? 0.5 : 1);

    return {
      flow,
      direction: directionOf(flow, consignee),
      consignor,
      consignee,
      declarant,
      irregularPair,
      lines,
      currency,
      riskWeight,
    };
  }

  // Calibrate: scale risk weights so that the expected violation share is the configured one.
  const pilotRandom = root.fork('calibration');
  const pilotFly: Trader[] = [];
  const weights = Array.from({ length: 6000 }, () => draftShipment(pilotRandom, pilotFly).riskWeight);
  const maxProbability = 0.9;
  const expectedShare = (k: number) =>
    weights.reduce((s, w) => s + Math.min(maxProbability, k * w), 0) / weights.length;
  let lo = 0;
  let hi = 1;
  while (expectedShare(hi) < options.nonCompliantShare && hi < 1e6) hi *= 2;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (expectedShare(mid) < options.nonCompliantShare) lo = mid;
    else hi = mid;
  }
  const riskScale = (lo + hi) / 2;

  const flyByNights: Trader[] = [];
  const party = (t: Trader): Party => ({ id: t.id, name: t.name, country: t.country, aeo: t.aeo });
  const toCurrency = (cents: number, currency: string) => Math.round(cents * (currencyRates[currency] ?? 1));
  const describe = (code: string) => (hs.get(code) ?? code).slice(0, 140);
  const nationalCode = (random: Random, code: string) =>
    random.chance(0.35) ? `${code}${random.pick(['0000', '1000', '9000', '0001', '9009'])}` : code;

  function chooseViolation(random: Random, draft: Draft): ViolationKind {
    const canUndervalue = draft.lines.some((l) => l.trueValueCents > 0);
    const canMisdeclare = draft.lines.some((l) => l.template.misdeclaredAs !== undefined);
    const valuable = draft.lines.some((l) => l.template.dutyRisk >= 1.5 && l.template.centsPerKg >= 500);
    const sensitive =
      draft.flow === 'SOUTH_IN' || draft.lines.some((l) => sensitiveOrigins.has(l.originCountry));
    const habit = draft.consignee.habit;
    if (
      habit !== null &&
      random.chance(0.6) &&
      (habit !== 'UNDERVALUED' || canUndervalue) &&
      (habit !== 'MISDECLARED_HS' || canMisdeclare)
    )
      return habit;
    return random.weighted<ViolationKind>([
      ['UNDERVALUED', canUndervalue ? (valuable ? 4 : 1.2) : 0],
      ['MISDECLARED_HS', canMisdeclare ? 2.5 : 0],
      ['UNDECLARED_GOODS', 1.3],
      ['PROHIBITED_GOODS', sensitive ? 2 : 0.3],
    ]);
  }

  interface Built {
    goods: GoodsLine[];
    truth: Omit<GroundTruth, 'declarationId' | 'amendment'>;
    hiddenGrossGrams: number;
  }

  function buildGoods(random: Random, draft: Draft, violation: ViolationKind | null): Built {
    const goods: GoodsLine[] = draft.lines.map((l, i) => ({
      lineNo: i + 1,
      hsCode: nationalCode(random, l.hsCode),
      description: describe(l.hsCode),
      packages: l.packages,
      grossMassGrams: l.grossGrams,
      netMassGrams: l.netGrams,
      valueMinor: toCurrency(l.trueValueCents, draft.currency),
      currency: draft.currency,
      originCountry: l.originCountry,
      dangerousGoods: l.template.dangerous ?? null,
      temperatureControl: l.reefer ? (l.template.reefer?.range ?? null) : null,
    }));
    const honest: Built['truth'] = {
      violation: null,
      lineNo: null,
      trueHsCode: null,
      declaredValueMinor: null,
      trueValueMinor: null,
      hidden: null,
      detail: 'compliant',
    };
    if (violation === null) return { goods, truth: honest, hiddenGrossGrams: 0 };
    const declaredNet = goods.reduce((s, g) => s + g.netMassGrams, 0);

    const hideGoods = (template: { hsCode: string; description: string }, grams: number, cents: number) => {
      const hidden: HiddenGoods = {
        hsCode: template.hsCode,
        description: template.description,
        grossMassGrams: grams,
        valueCents: cents,
      };
      return hidden;
    };

    switch (violation) {
      case 'UNDERVALUED': {
        // The most valuable line, or all of them for a systematic undervaluer.
        const valued = goods.filter((g) => g.valueMinor > 0);
        const target = valued.reduce((a, b) => (b.valueMinor > a.valueMinor ? b : a));
        const factor = random.chance(0.7) ? random.between(0.1, 0.35) : random.between(0.35, 0.8);
        const trueValue = target.valueMinor;
        const lines = random.chance(0.3) ? valued : [target];
        for (const g of lines) g.valueMinor = Math.round(g.valueMinor * factor);
        return {
          goods,
          hiddenGrossGrams: 0,
          truth: {
            ...honest,
            violation,
            lineNo: target.lineNo,
            declaredValueMinor: target.valueMinor,
            trueValueMinor: trueValue,
            detail: `line ${target.lineNo} declared at ${Math.round(factor * 100)} % of its value (${target.valueMinor} instead of ${trueValue} ${target.currency} minor units)${lines.length > 1 ? ', every line undervalued alike' : ''}`,
          },
        };
      }
      case 'MISDECLARED_HS': {
        const index = draft.lines.findIndex((l) => l.template.misdeclaredAs !== undefined);
        const line = draft.lines[index]!;
        const g = goods[index]!;
        const declared = line.template.misdeclaredAs!;
        g.hsCode = nationalCode(random, declared);
        g.description = describe(declared);
        // A lower heading usually comes with a lower value, and loses the UN number it would need.
        g.valueMinor = Math.round(g.valueMinor * random.between(0.45, 1));
        g.dangerousGoods = null;
        return {
          goods,
          hiddenGrossGrams: 0,
          truth: {
            ...honest,
            violation,
            lineNo: g.lineNo,
            trueHsCode: line.hsCode,
            detail: `line ${g.lineNo} is ${line.hsCode} (${line.template.id}), declared as ${declared}`,
          },
        };
      }
      case 'UNDECLARED_GOODS': {
        const template = random.pick(smuggledTemplates);
        const grams = Math.round(declaredNet * random.between(0.03, 0.3)) + random.int(50_000, 300_000);
        const code = codes.get(template.id)!.preferred[0]!;
        const cents = Math.round((grams / 1000) * template.centsPerKg);
        const hidden = hideGoods({ hsCode: code, description: describe(code) }, grams, cents);
        return {
          goods,
          hiddenGrossGrams: grams,
          truth: {
            ...honest,
            violation,
            hidden,
            detail: `${Math.round(grams / 1000)} kg of ${template.id} (${code}) not declared, worth about USD ${Math.round(cents / 100)}`,
          },
        };
      }
      case 'PROHIBITED_GOODS': {
        const sensitive =
          draft.flow === 'SOUTH_IN' || draft.lines.some((l) => sensitiveOrigins.has(l.originCountry));
        const item: ContrabandTemplate = random.weighted(
          prohibitedGoods.map((p) => [p, p.sensitiveRoute === sensitive ? 3 : 1] as const),
        );
        const grams = Math.round(random.between(item.kg[0], item.kg[1]) * 1000);
        const cents = Math.round((grams / 1000) * item.centsPerKg);
        if (item.concealment === 'DISGUISED' && item.declaredAs !== undefined) {
          const lineNo = goods.length + 1;
          goods.push({
            lineNo,
            hsCode: nationalCode(random, item.declaredAs),
            description: describe(item.declaredAs),
            packages: Math.max(1, Math.round(grams / 20_000)),
            grossMassGrams: Math.round(grams * 1.08),
            netMassGrams: grams,
            valueMinor: toCurrency(Math.round(cents * random.between(0.2, 0.6)), draft.currency),
            currency: draft.currency,
            originCountry: goods[0]!.originCountry,
            dangerousGoods: null,
            temperatureControl: null,
          });
          return {
            goods,
            hiddenGrossGrams: 0,
            truth: {
              ...honest,
              violation,
              lineNo,
              trueHsCode: item.hsCode,
              detail: `line ${lineNo} is ${item.description} (${item.hsCode})`,
            },
          };
        }
        return {
          goods,
          hiddenGrossGrams: grams,
          truth: {
            ...honest,
            violation,
            hidden: hideGoods({ hsCode: item.hsCode, description: item.description }, grams, cents),
            detail: `${Math.round(grams / 1000)} kg of ${item.description} (${item.hsCode})`,
          },
        };
      }
    }
  }

  function documentsFor(
    random: Random,
    draft: Draft,
    goods: GoodsLine[],
    dishonest: boolean,
    year: number,
  ): AttachedDocument[] {
    const docs: AttachedDocument[] = [
      { type: 'INVOICE', reference: `INV-${year}-${num(random, 6)}` },
      { type: 'CMR', reference: `CMR-${draft.consignor.country}${num(random, 7)}` },
    ];
    if (random.chance(0.8)) docs.push({ type: 'PACKING_LIST', reference: `PL-${num(random, 8)}` });
    if (draft.direction === 'TRANSIT' && random.chance(0.75))
      docs.push({ type: 'TIR_CARNET', reference: `XZ${num(random, 8)}` });
    if (
      (draft.flow === 'SOUTH_IN' && random.chance(0.6)) ||
      (draft.direction === 'IMPORT' && random.chance(0.35))
    )
      docs.push({
        type: 'ORIGIN_CERT',
        reference: `CO-${goods[0]!.originCountry}-${year}-${num(random, 6)}`,
      });
    const needed = new Set(draft.lines.flatMap((l) => l.template.documents ?? []));
    const attachShare = dishonest ? 0.8 : 0.96;
    for (const type of needed)
      if (random.chance(attachShare))
        docs.push({
          type,
          reference: `${type.slice(0, 3)}-${draft.consignor.country}-${year}-${num(random, 6)}`,
        });
    return docs;
  }

  function vehicleFor(random: Random, draft: Draft): Vehicle {
    const nationality =
      draft.flow === 'CN_OUT'
        ? random.weighted<string>([
            ['KZ', 55],
            ['CN', 22],
            [draft.consignee.country === 'KZ' ? 'KZ' : draft.consignee.country, 12],
            ['UZ', 5],
            ['KG', 4],
            ['RU', 2],
          ])
        : draft.flow === 'KZ_OUT'
          ? random.weighted<string>([
              ['KZ', 75],
              ['CN', 25],
            ])
          : random.weighted<string>([
              ['UZ', 40],
              ['KZ', 25],
              [draft.consignor.country, 25],
              ['TJ', 10],
            ]);
    const country = ['DE', 'PL', 'LT'].includes(nationality) ? 'KZ' : nationality;
    return {
      tractorPlate: plateFor(random, country),
      trailerPlate: random.chance(0.9) ? plateFor(random, country, true) : null,
      nationality: country,
    };
  }

  function dateTag(at: number): string {
    return new Date(at + port.utcOffsetMinutes * MINUTE).toISOString().slice(0, 10).replaceAll('-', '');
  }

  function generateDay(dayIndex: number): SimulatedDay {
    const random = root.fork(`day-${dayIndex}`);
    const dayStart = options.startDay + dayIndex * 24 * HOUR;
    const year = new Date(dayStart).getUTCFullYear();
    const tag = options.runTag ? `${dateTag(dayStart)}-${options.runTag}` : dateTag(dayStart);
    const arrivals: number[] = [];
    hourlyTrucks(options.profile).forEach((count, hour) => {
      for (let i = 0; i < count; i++)
        arrivals.push(dayStart + hour * HOUR + Math.floor(random.next() * HOUR));
    });
    arrivals.sort((a, b) => a - b);

    const shipments: Shipment[] = [];
    const events: SimEvent[] = [];
    const noShows: Booking[] = [];
    let bookingSeq = 0;
    const nextBookingId = () => `BK-${port.idPrefix}-${tag}-${String(++bookingSeq).padStart(5, '0')}`;

    arrivals.forEach((arrivalAt, index) => {
      const declarationId = `${port.idPrefix}-${tag}-${String(index + 1).padStart(6, '0')}`;
      const draft = draftShipment(random, flyByNights);
      const riskProbability = Math.min(maxProbability, riskScale * draft.riskWeight);
      const violation = random.chance(riskProbability) ? chooseViolation(random, draft) : null;
      const built = buildGoods(random, draft, violation);
      const vehicle = vehicleFor(random, draft);
      const documents = documentsFor(random, draft, built.goods, violation !== null, year);

      // Honest clerical errors in the declared gross mass now and then (pallets left out...).
      if (random.chance(0.03)) {
        const g = random.pick(built.goods);
        const factor = random.chance(0.5) ? random.between(0.85, 0.94) : random.between(1.06, 1.15);
        g.grossMassGrams = Math.round(g.grossMassGrams * factor);
        g.netMassGrams = Math.min(g.netMassGrams, g.grossMassGrams);
      }
      const actualGross =
        draft.lines.reduce((s, l) => s + l.grossGrams, 0) +
        built.hiddenGrossGrams +
        (built.goods.length > draft.lines.length ? built.goods[built.goods.length - 1]!.grossMassGrams : 0);

      // Slot booking: most drivers book; some arrive late.
      let booking: Booking | null = null;
      let slot: SlotWindow | null = null;
      if (random.chance(options.bookingShare)) {
        const late = random.chance(options.lateShare);
        // On time: the truck arrives within its slot, or a little before it (then it waits).
        const slotStart = late
          ? Math.floor((arrivalAt - random.between(10 * MINUTE, 5 * HOUR)) / HOUR) * HOUR - HOUR
          : Math.floor(arrivalAt / HOUR) * HOUR + (random.chance(0.2) ? HOUR : 0);
        slot = { start: slotStart, end: slotStart + HOUR };
        const bookedAt = slotStart - Math.round(random.between(1 * HOUR, 20 * HOUR));
        const booked = random.chance(0.06)
          ? actualGross * (random.chance(0.5) ? random.between(0.7, 0.88) : random.between(1.12, 1.3))
          : actualGross * (1 + 0.035 * random.normal());
        const bookingId = nextBookingId();
        booking = {
          bookingId,
          plate: vehicle.tractorPlate,
          port: options.port,
          slot,
          declarationId: null,
          status: 'BOOKED',
          bookedGrossMassGrams: Math.round(booked),
          changedAt: bookedAt,
        };
        events.push({ kind: 'BOOKING', at: bookedAt, booking });
        events.push({
          kind: 'BOOKING',
          at: arrivalAt,
          booking: { ...booking, declarationId, status: 'ARRIVED', changedAt: arrivalAt },
        });
      }

      // Declared in advance (no weighbridge reading yet) or at the post after weighing.
      const preArrival = random.chance(0.35);
      const submittedAt = preArrival
        ? arrivalAt - Math.round(random.between(30 * MINUTE, 8 * HOUR))
        : arrivalAt + Math.round(random.between(5 * MINUTE, 40 * MINUTE));
      const weighed = !preArrival && random.chance(0.95);
      const declaration: Declaration = {
        declarationId,
        amendment: 0,
        submittedAt,
        port: options.port,
        direction: draft.direction,
        transportMode: 'ROAD',
        declarant: party(draft.declarant),
        consignor: party(draft.consignor),
        consignee: party(draft.consignee),
        vehicle,
        bookingId: booking?.bookingId ?? null,
        slot,
        weighbridgeGrossMassGrams: weighed ? Math.round(actualGross * (1 + 0.012 * random.normal())) : null,
        goods: built.goods,
        documents,
      };
      const truth: GroundTruth = { declarationId, amendment: 0, ...built.truth };
      const versions: DeclarationVersion[] = [{ declaration, truth }];

      // Amendments: mostly housekeeping; some cheats come clean before the truck is inspected.
      if (random.chance(options.amendmentShare * (violation === null ? 0.9 : 2))) {
        const amendedAt =
          Math.max(submittedAt, arrivalAt) + Math.round(random.between(15 * MINUTE, 3 * HOUR));
        const amended: Declaration = structuredClone(declaration);
        amended.amendment = 1;
        amended.submittedAt = amendedAt;
        if (amended.weighbridgeGrossMassGrams === null && random.chance(0.9))
          amended.weighbridgeGrossMassGrams = Math.round(actualGross * (1 + 0.012 * random.normal()));
        let amendedTruth: GroundTruth = { ...truth, amendment: 1 };
        if (violation !== null && violation !== 'PROHIBITED_GOODS' && random.chance(0.35)) {
          const original = buildGoods(random, draft, null).goods;
          amended.goods = original.map((g, i) => ({
            ...g,
            hsCode:
              amended.goods[i]?.hsCode.slice(0, 6) === g.hsCode.slice(0, 6)
                ? amended.goods[i].hsCode
                : g.hsCode,
          }));
          if (violation === 'UNDECLARED_GOODS' && truth.hidden !== null)
            amended.goods.push({
              lineNo: amended.goods.length + 1,
              hsCode: truth.hidden.hsCode,
              description: truth.hidden.description,
              packages: Math.max(1, Math.round(truth.hidden.grossMassGrams / 20_000)),
              grossMassGrams: truth.hidden.grossMassGrams,
              netMassGrams: Math.round(truth.hidden.grossMassGrams * 0.95),
              valueMinor: toCurrency(truth.hidden.valueCents, draft.currency),
              currency: draft.currency,
              originCountry: amended.goods[0]!.originCountry,
              dangerousGoods: null,
              temperatureControl: null,
            });
          amendedTruth = {
            declarationId,
            amendment: 1,
            violation: null,
            lineNo: null,
            trueHsCode: null,
            declaredValueMinor: null,
            trueValueMinor: null,
            hidden: null,
            detail: `compliant after amendment (corrected ${violation})`,
          };
        } else if (random.chance(0.5)) {
          amended.documents = [
            ...amended.documents,
            { type: 'PACKING_LIST', reference: `PL-${num(random, 8)}` },
          ];
        } else {
          const g = random.pick(amended.goods);
          g.packages = Math.max(1, g.packages + random.int(-3, 3));
        }
        versions.push({ declaration: amended, truth: amendedTruth });
      }
      for (const v of versions)
        events.push({
          kind: 'DECLARATION',
          at: v.declaration.submittedAt,
          declaration: v.declaration,
          truth: v.truth,
        });
      shipments.push({
        declarationId,
        arrivalAt,
        versions,
        booking,
        actualGrossMassGrams: actualGross,
        riskProbability,
      });
    });

    // No-shows: booked, maybe cancelled, never arrive and never declare.
    const booked = shipments.filter((s) => s.booking !== null).length;
    const noShowCount = Math.round(booked * options.noShowShare);
    for (let i = 0; i < noShowCount; i++) {
      const slotStart = dayStart + random.int(0, 23) * HOUR;
      const bookedAt = slotStart - Math.round(random.between(1 * HOUR, 20 * HOUR));
      const country = random.weighted<string>([
        ['KZ', 6],
        ['CN', 3],
        ['UZ', 1],
      ]);
      const booking: Booking = {
        bookingId: nextBookingId(),
        plate: plateFor(random, country),
        port: options.port,
        slot: { start: slotStart, end: slotStart + HOUR },
        declarationId: null,
        status: 'BOOKED',
        bookedGrossMassGrams: Math.round(random.between(8_000, 24_000) * 1000),
        changedAt: bookedAt,
      };
      noShows.push(booking);
      events.push({ kind: 'BOOKING', at: bookedAt, booking });
      if (random.chance(0.4)) {
        const cancelledAt = bookedAt + Math.round((slotStart - bookedAt) * random.between(0.2, 0.95));
        events.push({
          kind: 'BOOKING',
          at: cancelledAt,
          booking: { ...booking, status: 'CANCELLED', changedAt: cancelledAt },
        });
      }
    }
    events.sort((a, b) => a.at - b.at);
    return { dayIndex, dayStart, shipments, noShows, events };
  }

  return { population, options, riskScale, generateDay };
}

/** Events of consecutive days in time order (a day's bookings can fall on the previous evening). */
export function* simulatedEvents(simulator: Simulator, firstDay = 0): Generator<SimEvent> {
  let day = firstDay;
  let pending: SimEvent[] = simulator.generateDay(day).events;
  for (;;) {
    const next = simulator.generateDay(day + 1).events;
    // Days up to day+1 are generated; no later day has an event before its start minus the longest
    // lead (a booking made 20 h ahead of a slot up to 7 h before a late arrival), so those are final.
    const boundary = simulator.options.startDay + (day + 2) * 24 * HOUR - MAX_LEAD;
    const merged = [...pending, ...next].sort((a, b) => a.at - b.at);
    const ready = merged.filter((e) => e.at < boundary);
    pending = merged.filter((e) => e.at >= boundary);
    yield* ready;
    day += 1;
  }
}
