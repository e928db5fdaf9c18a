// Replay and verification throughput from the real broker, next to a plain consume of the same
// topics (same reader, no decoding, no decisions) in the same run. Replay decodes and re-decides on the
// reading thread and in worker threads, as the CLI does (its default worker count unless --workers is
// given; 0: all on one thread).
//   npm run bench:replay [-- --declarations=100000] [--workers=N]
import '@clearway/config/node-runtime';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { assess, canonicalRulesetJson } from '@clearway/categoriser';
import { ensureStack, repoRoot } from '@clearway/infra';
import type { RiskAssessment, RulesetPublished } from '@clearway/schemas';
import { createTestPlatform } from '@clearway/test';
import { generateDeclarations, routingFacts } from '@clearway/categoriser';
import { readWindow } from '@clearway/kafka';
import { loadCandidateRuleset } from '../src/adapters/ruleset-file.ts';
import { defaultReplayWorkers, runReplay } from '../src/commands.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const total = arg('declarations', 100_000);
const workers = arg('workers', defaultReplayWorkers());

const stack = await ensureStack({ ...process.env });
Object.assign(process.env, stack.endpoints);
const platform = await createTestPlatform('bench-replay');
const { serde, topics } = platform;
const windowStart = Date.now() - 1_000;

// Generated and published in a scope of their own: the 100,000 decoded inputs are garbage before
// anything is timed, so the timed phases do not pay for major collections over the fixtures' heap.
async function publishHistory(): Promise<void> {
  console.log(
    `Deciding ${total} synthetic declarations in-process and publishing them with their assessments ...`,
  );
  const { ruleset } = loadCandidateRuleset(
    join(repoRoot, 'services', 'categoriser', 'rulesets', 'khorgos', 'ruleset.yaml'),
  );
  // Unique ids, amendment 0: every declaration has exactly one assessment.
  const inputs = generateDeclarations(total, 515151).map(({ declaration, context }, i) => ({
    declaration: { ...declaration, declarationId: `BR-${i}`, amendment: 0 },
    context,
  }));
  const producer = platform.kafka.producer();
  await producer.connect();
  const published: RulesetPublished = {
    version: ruleset.version,
    name: ruleset.name,
    content: canonicalRulesetJson(ruleset),
    publishedAt: Date.now(),
  };
  await producer.send({
    topic: topics.rulesets,
    messages: [{ key: published.version, value: serde.encode(topics.rulesets, published) }],
  });
  for (let i = 0; i < inputs.length; i += 2_000) {
    const slice = inputs.slice(i, i + 2_000);
    await producer.sendBatch({
      topicMessages: [
        {
          topic: topics.declarations,
          messages: slice.map(({ declaration }) => ({
            key: declaration.declarationId,
            value: serde.encode(topics.declarations, declaration),
          })),
        },
        {
          topic: topics.riskAssessments,
          messages: slice.map(({ declaration, context }) => {
            const assessment: RiskAssessment = {
              ...assess(ruleset, declaration, context),
              assessedAt: Date.now(),
              routing: routingFacts(declaration),
            };
            return {
              key: declaration.declarationId,
              value: serde.encode(topics.riskAssessments, assessment),
            };
          }),
        },
      ],
    });
  }
  await producer.disconnect();
}
await publishHistory();
const window = { from: windowStart, to: Date.now() + 1_000 };

const plainStarted = performance.now();
const plain = await readWindow({
  kafka: platform.kafka,
  ranges: [topics.declarations, topics.riskAssessments].map((topic) => ({
    topic,
    fromMs: window.from,
    toMs: window.to,
  })),
  onBatch: () => undefined,
});
const plainSeconds = (performance.now() - plainStarted) / 1000;
const plainConsumePerSec = plain.records / 2 / plainSeconds;
console.log(
  `plain consume: ${plain.records} records in ${plainSeconds.toFixed(2)} s, ${plainConsumePerSec.toFixed(0)} declaration+assessment pairs/s`,
);

async function timeReplay() {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await runReplay(platform, { window, graceMs: 0, workers });
  const seconds = (performance.now() - started) / 1000;
  // CPU of every thread of the process (workers and V8's helpers too): on a shared machine it moves
  // less from run to run than the wall time does, so it is the steadier figure to compare changes by.
  const cpu = process.cpuUsage(cpuBefore);
  replayCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const perSec = report.counts.verified / seconds;
  console.log(
    `replay+verify: ${report.counts.verified} verified (${report.counts.different} differences, ${report.gaps.length} gaps) in ${seconds.toFixed(2)} s, ${perSec.toFixed(0)} declarations/s; CPU ${replayCpuSeconds.toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ${(cpu.system / 1e6).toFixed(2)})`,
  );
  if (report.counts.verified !== total || report.differences.length > 0 || report.gaps.length > 0)
    console.log('WARNING: the benchmark history did not verify cleanly');
  return perSec;
}
let replayCpuSeconds = 0;
const verifiedPerSec = await timeReplay();

await platform.close();
await stack.stop();
const result = {
  bench: 'replay',
  declarations: total,
  workers,
  verifiedPerSec: Math.round(verifiedPerSec),
  plainConsumePerSec: Math.round(plainConsumePerSec),
  replayCpuSeconds: Number(replayCpuSeconds.toFixed(2)),
  ratio: Number((verifiedPerSec / plainConsumePerSec).toFixed(3)),
  targetPerSec: 50_000,
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
};
console.log(`ratio replay+verify / plain consume: ${result.ratio}; target ≥ 50,000 declarations/s verified`);
console.log(JSON.stringify(result));
process.exit(0);
