// Targeted versus random selection, on the simulator's ground truth. Generates simulated Khorgos traffic
// (deterministic seed), assesses every declaration with the reference ruleset — trader history grows
// as the traffic is assessed and inspected — then compares Clearway's selection with random selection
// at the same inspection rate. Prints a table, writes reports/selection.html, and ends with one JSON line.
//
//   node services/simulator/bench/selection.bench.ts [--declarations 50000] [--seed 20250615]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assess } from '@clearway/categoriser';
import { loadHsNomenclature } from '@clearway/hs';
// loadRulesetFile is the categoriser's file adapter; its package entry exports only the pure engine.
import { loadRulesetFile } from '@clearway/categoriser';
import { createSimulator } from '../src/domain/generator.ts';
import { inspectionFindings } from '../src/domain/ground-truth.ts';
import { createTraderHistory } from '../src/domain/trader-history.ts';
import { localMidnight, trafficProfiles } from '../src/domain/traffic-profile.ts';
import { operatingPoint, rateForRecall, recallCurve, type Assessed } from './selection-metrics.ts';
import { renderSelectionReport } from './selection-report.ts';

const { values: args } = parseArgs({
  options: {
    declarations: { type: 'string', default: '50000' },
    seed: { type: 'string', default: '20250615' },
    ruleset: {
      type: 'string',
      default: join(import.meta.dirname, '..', '..', 'categoriser', 'rulesets', 'khorgos', 'ruleset.yaml'),
    },
  },
});
const total = Number(args.declarations);
if (!Number.isInteger(total) || total < 100)
  throw new Error('--declarations must be an integer of at least 100');
const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

const started = performance.now();
const hsSubheadings = new Map(
  loadHsNomenclature()
    .filter((e) => e.level === 6)
    .map((e) => [e.code, e.description]),
);
const { ruleset } = loadRulesetFile(args.ruleset);
const profile = trafficProfiles.record;
const simulator = createSimulator({
  seed: args.seed,
  port: 'KHORGOS',
  hsSubheadings,
  profile,
  startDay: localMidnight(Date.parse('2025-06-15T12:00:00Z'), 300),
});
const history = createTraderHistory();
const assessed: Assessed[] = [];
const rank = { RELEASE: 0, DOCUMENTARY: 1, SCAN: 2, PHYSICAL: 3 } as const;

for (let day = 0; assessed.length < total; day++) {
  const shipments = simulator
    .generateDay(day)
    .shipments.map((s) => ({ s, last: s.versions[s.versions.length - 1]! }))
    .sort((a, b) => a.last.declaration.submittedAt - b.last.declaration.submittedAt);
  for (const { s, last } of shipments) {
    if (assessed.length >= total) break;
    const d = last.declaration;
    const a = assess(ruleset, d, history.context(d, s.booking?.bookedGrossMassGrams ?? null));
    history.recordDeclaration(d);
    // Whatever Clearway sends to a lane is inspected, and the finding goes into the trader's record.
    if (rank[a.inspectionLevel] >= rank.DOCUMENTARY)
      history.recordInspection(d, inspectionFindings(last.truth).outcome);
    assessed.push({ score: a.score, level: a.inspectionLevel, violation: last.truth.violation });
  }
}

const nonCompliant = assessed.filter((a) => a.violation !== null).length;
const base = nonCompliant / total;
const points = (['SCAN', 'DOCUMENTARY'] as const).map((t) => operatingPoint(assessed, t, args.seed));
const curve = recallCurve(assessed);
const clearwayRateFor80 = rateForRecall(curve, 0.8);
const randomRateFor80 = 0.8;
const kindShares: Record<string, number> = {};
for (const a of assessed)
  if (a.violation !== null) kindShares[a.violation] = (kindShares[a.violation] ?? 0) + 1;
for (const k of Object.keys(kindShares)) kindShares[k] = kindShares[k]! / nonCompliant;
const seconds = (performance.now() - started) / 1000;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
console.log(
  `Selection on simulated Khorgos traffic: ${total} declarations (seed ${args.seed}, ${profile.name} profile), ` +
    `${nonCompliant} non-compliant (${(base * 100).toFixed(2)} %); ruleset ${ruleset.name} ${ruleset.version.slice(0, 12)}`,
);
console.log('');
console.log(
  'selection            rate   hit rate   recall  | random: expected  seeded draw  draw recall |  lift',
);
for (const p of points)
  console.log(
    `Clearway ≥ ${p.threshold.padEnd(11)}${pct(p.inspectionRate)}  ${pct(p.hitRate)}  ${pct(p.recall)}  |` +
      `          ${pct(p.randomExpectedHitRate)}      ${pct(p.randomDrawHitRate)}      ${pct(p.randomDrawRecall)} | ${p.lift.toFixed(2).padStart(5)}×`,
  );
console.log('');
console.log(
  `Inspection rate to find 80 % of violations: Clearway ${pct(clearwayRateFor80).trim()} (highest score first), random ${pct(randomRateFor80).trim()}`,
);
console.log('');
console.log('found by kind        share   ' + points.map((p) => `≥ ${p.threshold}`.padEnd(22)).join(''));
for (const kind of ['UNDERVALUED', 'MISDECLARED_HS', 'UNDECLARED_GOODS', 'PROHIBITED_GOODS'] as const) {
  const cells = points.map((p) => {
    const v = p.recallByKind[kind];
    return `${v.found}/${v.total} (${pct(v.total === 0 ? 0 : v.found / v.total).trim()})`.padEnd(22);
  });
  console.log(`${kind.padEnd(19)}${pct(kindShares[kind] ?? 0)}   ${cells.join('')}`);
}

const reportPath = join(repoRoot, 'reports', 'selection.html');
mkdirSync(join(repoRoot, 'reports'), { recursive: true });
writeFileSync(
  reportPath,
  renderSelectionReport({
    generatedFor: `Simulated Khorgos road traffic, ${profile.name} profile, seed ${args.seed}, reference ruleset ${ruleset.name}`,
    declarations: total,
    nonCompliant,
    rulesetVersion: ruleset.version,
    points,
    curve,
    clearwayRateFor80,
    randomRateFor80,
    kindShares,
  }),
);
console.log('');
console.log(`report: ${reportPath} (${seconds.toFixed(1)} s)`);

const scan = points[0]!;
const round = (x: number) => Math.round(x * 10_000) / 10_000;
console.log(
  JSON.stringify({
    bench: 'selection',
    declarations: total,
    nonCompliantShare: round(base),
    clearwayInspectionRate: round(scan.inspectionRate),
    clearwayHitRate: round(scan.hitRate),
    randomHitRate: round(scan.randomExpectedHitRate),
    lift: Math.round(scan.lift * 100) / 100,
    clearwayRateFor80: round(clearwayRateFor80),
    randomRateFor80,
  }),
);
