// Rules engine benchmark: decisions per second on the reference ruleset (explanations, input hash and
// sampling on), json-rules-engine on the same rules in the same run, and compiling 1,000 rules.
//   node services/categoriser/bench/rules.bench.ts [--declarations=100000] [--baseline=10000]
import { cpus } from 'node:os';
import { loadRulesetFile } from '../src/adapters/ruleset-files.ts';
import { assess, compileRuleset } from '../src/domain/index.ts';
import { generateRulesetSource } from './generated-rules.ts';
import { createBaseline } from './json-rules-engine-baseline.ts';
import { generateDeclarations } from './synthetic-declarations.ts';

const arg = (name: string, fallback: number): number => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit === undefined ? fallback : Number(hit.split('=')[1]);
};
const declarationCount = arg('declarations', 100_000);
const baselineCount = Math.min(arg('baseline', 10_000), declarationCount);
const rounds = 5;

const { ruleset } = loadRulesetFile(new URL('../rulesets/khorgos/ruleset.yaml', import.meta.url).pathname);
console.log(
  `ruleset ${ruleset.name} ${ruleset.version.slice(0, 19)}…: ${ruleset.freightClasses.length} class rows, ${ruleset.mandatoryControls.length} mandatory, ${ruleset.indicators.length} indicators`,
);
const inputs = generateDeclarations(declarationCount);
const lines = inputs.reduce((s, i) => s + i.declaration.goods.length, 0);
console.log(
  `${declarationCount} synthetic declarations, ${(lines / declarationCount).toFixed(2)} lines on average`,
);

// Engine under test: warm up, then the best and median of full passes over every declaration.
let checksum = 0;
for (const { declaration, context } of inputs.slice(0, 20_000))
  checksum += assess(ruleset, declaration, context).score;
const passRates: number[] = [];
let fired = 0;
for (let r = 0; r < rounds; r++) {
  const start = performance.now();
  for (const { declaration, context } of inputs) {
    const a = assess(ruleset, declaration, context);
    checksum += a.score;
    fired += a.firedRules.length;
  }
  passRates.push(declarationCount / ((performance.now() - start) / 1000));
}
passRates.sort((a, b) => a - b);
const decisionsPerSec = passRates[Math.floor(rounds / 2)]!;
console.log(
  `clearway engine: median ${Math.round(decisionsPerSec)} decisions/s (best ${Math.round(passRates[rounds - 1]!)}), ${(fired / (rounds * declarationCount)).toFixed(2)} fired rules per decision explained`,
);

// Baseline: json-rules-engine on the same rules and features, same declarations (a prefix: it is slow).
const baseline = createBaseline(ruleset);
const sample = inputs.slice(0, baselineCount);
for (const { declaration, context } of sample.slice(0, 2_000)) await baseline(declaration, context);
// Median of three passes over the same prefix, like the engine's median of full passes.
const baselineRates: number[] = [];
for (let r = 0; r < 3; r++) {
  const baseStart = performance.now();
  for (const { declaration, context } of sample) {
    const b = await baseline(declaration, context);
    checksum += b.score;
  }
  baselineRates.push(baselineCount / ((performance.now() - baseStart) / 1000));
}
const baselinePerSec = baselineRates.sort((a, b) => a - b)[1]!;
let agree = 0;
for (const { declaration, context } of sample) {
  const [a, b] = [assess(ruleset, declaration, context), await baseline(declaration, context)];
  const ours = a.firedRules
    .filter((r) => r.kind !== 'FREIGHT_CLASS')
    .map((r) => r.ruleId)
    .sort()
    .join();
  if (a.freightClass === b.freightClass && ours === b.fired.sort().join()) agree++;
}
console.log(
  `json-rules-engine: median ${Math.round(baselinePerSec)} decisions/s over ${baselineCount} declarations (3 passes); same class and fired rules on ${((agree / baselineCount) * 100).toFixed(2)} %`,
);

// Compiling 1,000 generated rules: first (cold) and median of 10.
const generated = generateRulesetSource(1000);
const compileTimes: number[] = [];
for (let i = 0; i < 11; i++) {
  const start = performance.now();
  compileRuleset(generated);
  compileTimes.push(performance.now() - start);
}
const coldCompile = compileTimes[0]!;
const compileMs = compileTimes.slice(1).sort((a, b) => a - b)[5]!;
console.log(
  `compile 1,000 rules: ${compileMs.toFixed(1)} ms median (first run ${coldCompile.toFixed(1)} ms)`,
);

const ratio = decisionsPerSec / baselinePerSec;
console.log(
  `ratio ${ratio.toFixed(1)}x; targets: >= 500000 decisions/s ${decisionsPerSec >= 500_000 ? 'met' : 'NOT met'}, >= 50x ${ratio >= 50 ? 'met' : 'NOT met'}, compile < 100 ms ${compileMs < 100 ? 'met' : 'NOT met'} (checksum ${checksum})`,
);
console.log(
  JSON.stringify({
    bench: 'rules',
    decisionsPerSec: Math.round(decisionsPerSec),
    baselinePerSec: Math.round(baselinePerSec),
    ratio: Math.round(ratio * 10) / 10,
    compile1000RulesMs: Math.round(compileMs * 10) / 10,
    declarations: declarationCount,
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
  }),
);
