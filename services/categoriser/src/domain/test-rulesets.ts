// Rulesets for unit tests that exercise every field and operator, so an optimised evaluation can be
// checked against the straightforward one on the same inputs.

const leaves: unknown[] = [
  { anyLine: { field: 'hsCode', hsPrefix: ['93', '8471', '851713'] } },
  { anyLine: { field: 'hsChapter', hsPrefix: '0101' } },
  { anyLine: { field: 'hsHeading', hsPrefix: ['64', '2402'] } },
  { anyLine: { field: 'hsSubheading', hsPrefix: '940360' } },
  { anyLine: { field: 'hsCode', equals: '8471300000' } },
  { anyLine: { field: 'hsCode', in: ['940360', '0101'] } },
  { anyLine: { field: 'hsCode', notIn: ['940360'] } },
  { anyLine: { field: 'hsCode', notEquals: '940360' } },
  { anyLine: { field: 'hsChapter', in: ['61', '62', '64'] } },
  { anyLine: { field: 'hsChapter', inList: 'arms' } },
  { anyLine: { field: 'hsHeading', notInList: 'arms' } },
  { anyLine: { field: 'hsSubheading', equals: '847130' } },
  { anyLine: { field: 'hsHeading', notEquals: '3004' } },
  { allLines: { field: 'hsCode', inList: 'bulk' } },
  { noLine: { field: 'hsCode', inList: 'arms' } },
  { allLines: { field: 'netKg', equals: 0 } },
  { anyLine: { field: 'valuePerKg', lt: 50 } },
  { anyLine: { field: 'valuePerKg', between: [100, 100000], ifMissing: true } },
  { allLines: { field: 'unitValueRatio', gte: 0.5 } },
  { noLine: { field: 'unitValueRatio', lt: 0.5 } },
  { anyLine: { field: 'unNumber', present: true } },
  { anyLine: { field: 'hazardClass', absent: true } },
  { anyLine: { field: 'hazardClass', equals: '3', ifMissing: false } },
  { anyLine: { field: 'unNumber', in: ['1263'] } },
  {
    anyLine: {
      all: [
        { field: 'dangerousGoods', equals: true },
        { field: 'temperatureControlled', equals: false },
      ],
    },
  },
  {
    anyLine: {
      any: [{ field: 'originCountry', inList: 'sensitive' }, { not: { field: 'currency', equals: 'USD' } }],
    },
  },
  {
    anyLine: {
      all: [
        { field: 'packages', gt: 100 },
        { field: 'grossKg', lte: 5000 },
        { field: 'description', notEquals: 'x' },
      ],
    },
  },
  {
    anyLine: {
      all: [
        { field: 'hsChapter', equals: '64' },
        { field: 'consignorCountry', equals: 'CN' },
      ],
    },
  },
  {
    anyLine: {
      all: [
        { field: 'hsHeading', in: ['8471', '8517'] },
        { field: 'unitValueRatio', lt: 0.5 },
      ],
    },
  },
  {
    anyLine: {
      not: {
        any: [
          { field: 'hsCode', inList: 'arms' },
          { field: 'valuePerKg', gte: 1000 },
        ],
      },
    },
  },
  {
    allLines: {
      any: [
        { field: 'originCountry', equals: 'CN' },
        { field: 'declarantSeizures', gt: 0 },
      ],
    },
  },
  { field: 'port', equals: 'KHORGOS' },
  { field: 'direction', in: ['IMPORT', 'TRANSIT'] },
  { field: 'transportMode', notIn: ['RAIL'] },
  { field: 'declarantId', inList: 'watch' },
  { field: 'consigneeId', notInList: 'watch' },
  { field: 'consignorCountry', inList: 'sensitive' },
  { field: 'consigneeCountry', notEquals: 'KZ' },
  { field: 'declarantCountry', equals: 'KZ' },
  { field: 'vehicleNationality', in: ['CN', 'RU'] },
  { field: 'declarantAeo', equals: 'NONE' },
  { field: 'declarantAeo', absent: true },
  { field: 'lineCount', between: [3, 6] },
  { field: 'totalGrossKg', gt: 20000 },
  { field: 'documentTypes', includes: 'LICENCE' },
  { field: 'documentTypes', excludes: 'VETERINARY' },
  { field: 'hasBooking', equals: true },
  { field: 'bookedMassDiscrepancyPct', gt: 10 },
  { field: 'weighbridgeDiscrepancyPct', lte: 3, ifMissing: true },
  { field: 'pairFirstTime', equals: true },
  { field: 'declarantDeclarations', lt: 5 },
  { field: 'declarantInspections', gte: 20, ifMissing: false },
  { field: 'declarantFindings', gt: 2, ifMissing: true },
  { field: 'declarantComplianceRatio', lt: 0.8 },
  { field: 'consignorDeclarations', gte: 10, ifMissing: false },
  { field: 'consignorComplianceRatio', gte: 0.9, ifMissing: false },
  { field: 'consigneeSeizures', gt: 0, ifMissing: false },
  { field: 'consigneeInspections', present: true },
];

/** Every leaf as an indicator (fire and skip on missing), plus nested combinations of them. */
export function allOperatorsRulesetSource(): unknown {
  const indicators = leaves.flatMap((when, i) => [
    { id: `I-${i}-FIRE`, weight: (i % 7) * 5 - 5, reason: `leaf ${i}`, when, ifMissing: 'fire' },
    { id: `I-${i}-SKIP`, weight: (i % 5) * 3 + 1, reason: `leaf ${i}`, when, ifMissing: 'skip' },
  ]);
  for (let i = 0; i + 2 < leaves.length; i += 3)
    indicators.push({
      id: `I-COMBO-${i}`,
      weight: 7,
      reason: 'combination',
      when: { any: [{ all: [leaves[i], leaves[i + 1]] }, { not: leaves[i + 2] }] },
      ifMissing: i % 2 === 0 ? 'fire' : 'skip',
    });
  return {
    name: 'all-operators',
    unitValueList: 'reference',
    lists: {
      arms: { kind: 'hsRanges', items: ['93', '3601-3604', '930320'] },
      bulk: { kind: 'hsRanges', items: ['2523', '7208-7212', '271019'] },
      sensitive: { kind: 'countries', items: ['AF', 'IR'] },
      watch: { kind: 'traders', items: ['KZ-BIN-990440001122', 'T-9'] },
      reference: {
        kind: 'unitValues',
        currency: 'USD',
        items: { '847130': 20000, '8517': 9000, '6403': 2500 },
      },
    },
    freightClasses: [
      {
        id: 'FC-HAZ',
        class: 'HAZARDOUS',
        reason: 'UN',
        when: { anyLine: { field: 'dangerousGoods', equals: true } },
      },
      {
        id: 'FC-WINDOW',
        class: 'CAMPAIGN',
        reason: 'window',
        validFrom: '2025-03-01',
        validUntil: '2025-04-01',
        when: { anyLine: { field: 'hsChapter', equals: '64' } },
      },
      {
        id: 'FC-MISSING',
        class: 'ODD',
        reason: 'missing value per kg',
        when: { anyLine: { field: 'valuePerKg', gt: 1e6 } },
        ifMissing: 'fire',
      },
      {
        id: 'FC-SKIP',
        class: 'ODD_TWO',
        reason: 'missing ratio',
        when: { anyLine: { field: 'unitValueRatio', gt: 3 } },
        ifMissing: 'skip',
      },
      { id: 'FC-EMPTY', class: 'EMPTY', reason: 'empty', when: { allLines: { field: 'netKg', equals: 0 } } },
      { id: 'FC-GEN', class: 'GENERAL', reason: 'default' },
    ],
    mandatoryControls: [
      {
        id: 'M-ARMS',
        level: 'PHYSICAL',
        reason: 'arms',
        when: { anyLine: { field: 'hsCode', inList: 'arms' } },
      },
      {
        id: 'M-VET',
        level: 'DOCUMENTARY',
        reason: 'animals',
        when: {
          all: [
            { anyLine: { field: 'hsChapter', equals: '01' } },
            { field: 'documentTypes', excludes: 'VETERINARY' },
          ],
        },
      },
      {
        id: 'M-LATE',
        level: 'SCAN',
        reason: 'window',
        validFrom: '2025-06-01T00:00:00Z',
        when: { field: 'consignorSeizures', gt: 0 },
        ifMissing: 'fire',
      },
    ],
    indicators,
    thresholds: { DOCUMENTARY: 20, SCAN: 45, PHYSICAL: 80 },
    trustedTraders: { party: 'declarant', adjustments: { AEOC: -10, AEOS: -15, AEOF: -20 } },
    sampling: { share: 0.1, level: 'SCAN', seed: 'unit-seed' },
  };
}
