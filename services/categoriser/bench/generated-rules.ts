// A deterministic source with many generated indicators, to time compilation at scale.
import { createRandom, pick } from './seeded-random.ts';

const hs = ['01', '24', '2203', '2710', '8471', '851713', '61', '62', '64', '3004', '93', '9403', '8708'];
const countries = ['AF', 'IR', 'CN', 'KZ', 'TR', 'UZ', 'RU'];

export function generateRulesetSource(indicatorCount: number, seed = 7): unknown {
  const random = createRandom(seed);
  const leaf = (): unknown => {
    switch (Math.floor(random() * 6)) {
      case 0:
        return { anyLine: { field: 'hsCode', hsPrefix: [pick(random, hs), pick(random, hs)] } };
      case 1:
        return {
          anyLine: { field: 'originCountry', in: [pick(random, countries), pick(random, countries)] },
        };
      case 2:
        return { field: 'lineCount', gte: 1 + Math.floor(random() * 8) };
      case 3:
        return { field: 'totalGrossKg', between: [0, 1000 + Math.floor(random() * 40000)] };
      case 4:
        return {
          anyLine: {
            all: [
              { field: 'hsChapter', equals: pick(random, ['61', '62', '64']) },
              { field: 'valuePerKg', lt: 500, ifMissing: false },
            ],
          },
        };
      default:
        return { field: 'consignorCountry', inList: 'watch' };
    }
  };
  return {
    name: 'generated',
    lists: { watch: { kind: 'countries', items: countries } },
    freightClasses: [{ id: 'FC-GENERAL', class: 'GENERAL', reason: 'default' }],
    indicators: Array.from({ length: indicatorCount }, (_, i) => ({
      id: `I-GEN-${String(i).padStart(4, '0')}`,
      weight: 1 + Math.floor(random() * 30),
      reason: `generated rule ${i}`,
      when: random() < 0.5 ? leaf() : { all: [leaf(), leaf()] },
    })),
    thresholds: { DOCUMENTARY: 20, SCAN: 40, PHYSICAL: 60 },
  };
}
