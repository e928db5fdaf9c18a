// The categoriser through the real broker, schema registry and Redis, next to a pass-through stage
// (same stage runner, client and settings; decodes and re-encodes each record, no decision) over
// the same input in the same run.
//   npm run bench:categoriser [-- --declarations=100000]
import '@clearway/config/node-runtime';
import { cpus } from 'node:os';
import { loadHsNomenclature } from '@clearway/hs';
import { ensureStack } from '@clearway/infra';
import { createStage, type Stage } from '@clearway/kafka';
import type { Declaration } from '@clearway/schemas';
import { createTestPlatform, extraTopicName } from '@clearway/test';
import { join } from 'node:path';
import { CATEGORISER_FETCH_BYTES_PER_PARTITION } from '../src/fetch-bytes.ts';
import { createTraderHistory } from '../src/adapters/trader-history.ts';
import { loadActiveRuleset } from '../src/adapters/ruleset-reload.ts';
import { createOnDeclarations } from '../src/handlers/on-declarations.ts';
import { generateDeclarations } from './synthetic-declarations.ts';

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const total = arg('declarations', 100_000);

const stack = await ensureStack({ ...process.env });
Object.assign(process.env, stack.endpoints);
const platform = await createTestPlatform('bench-categoriser', [
  {
    suffix: 'passthrough',
    event: 'Declaration',
    key: 'declarationId',
    partitions: 6,
    compacted: false,
    deadLetter: false,
    description: 'pass-through output',
    producers: ['bench'],
    consumers: ['bench'],
  },
]);
const { serde, topics } = platform;
const passThroughTopic = `${platform.prefix}${extraTopicName('passthrough')}`;

console.log(`Publishing ${total} synthetic declarations to ${topics.declarations} ...`);
// Generated and published in a scope of their own, so the 100,000 inputs are garbage by the time
// the stages run: a service holds only what it consumes, and a heap kept large by the benchmark
// itself would make every major GC of the measured stages slower.
await (async () => {
  const inputs = generateDeclarations(total, 424242).map(({ declaration }) => declaration);
  const producer = platform.kafka.producer();
  await producer.connect();
  for (let i = 0; i < inputs.length; i += 2_000)
    await producer.send({
      topic: topics.declarations,
      messages: inputs
        .slice(i, i + 2_000)
        .map((d) => ({ key: d.declarationId, value: serde.encode(topics.declarations, d) })),
    });
  await producer.disconnect();
})();

async function timeStage(stage: Stage): Promise<number> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  await stage.start();
  while (stage.counts().consumed < total) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMicros = cpu.user + cpu.system;
  console.log(
    `  this process: ${(cpuMicros / total).toFixed(1)} µs CPU per declaration, ${((cpuMicros / 1e6 / seconds) * 100).toFixed(0)} % of one core`,
  );
  const { committedBatches } = stage.counts();
  console.log(
    `  ${committedBatches} transactions, ${(total / committedBatches).toFixed(0)} records each on average`,
  );
  await stage.stop();
  return total / seconds;
}

// The categoriser service's own consumer settings (its defaults) for both stages: fetches of up to
// CATEGORISER_FETCH_BYTES_PER_PARTITION per partition, all 6 partitions handled at once.
const maxBytesPerPartition = CATEGORISER_FETCH_BYTES_PER_PARTITION;
const settings = { partitionsConsumedConcurrently: 6, maxBytesPerPartition };
const passThroughPerSec = await timeStage(
  createStage<Declaration>(platform, {
    name: 'bench-passthrough',
    groupId: `${platform.prefix}passthrough`,
    inputTopics: [topics.declarations],
    deadLetterTopic: topics.dlqCategoriser,
    handle: async (batch) =>
      batch.map((r) => ({
        records: [{ topic: passThroughTopic, key: r.value.declarationId, value: r.value }],
      })),
    ...settings,
  }),
);
console.log(`pass-through: ${passThroughPerSec.toFixed(0)} declarations/s`);

const active = loadActiveRuleset(join(import.meta.dirname, '..', 'rulesets', 'khorgos', 'ruleset.yaml'));
const onDeclarations = createOnDeclarations({
  topics,
  history: createTraderHistory(platform.redis, platform.prefix),
  ruleset: () => active,
  knownHsCodes: new Set(
    loadHsNomenclature()
      .filter((e) => e.level === 6)
      .map((e) => e.code),
  ),
  knownPorts: new Set(['KHORGOS', 'ALASHANKOU']),
  clock: () => Date.now(),
});
const categoriserPerSec = await timeStage(
  createStage<Declaration>(platform, {
    name: 'bench-categoriser',
    groupId: `${platform.prefix}categoriser`,
    inputTopics: [topics.declarations],
    deadLetterTopic: topics.dlqCategoriser,
    handle: onDeclarations.handle,
    afterCommit: onDeclarations.afterCommit,
    ...settings,
  }),
);
console.log(
  `categoriser:  ${categoriserPerSec.toFixed(0)} declarations/s (rules, Redis history, exactly-once transactions)`,
);

await platform.close();
await stack.stop();
const result = {
  bench: 'categoriser',
  declarations: total,
  declarationsPerSec: Math.round(categoriserPerSec),
  passThroughPerSec: Math.round(passThroughPerSec),
  ratio: Number((categoriserPerSec / passThroughPerSec).toFixed(3)),
  targetPerSec: 10_000,
  maxBytesPerPartition,
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
};
console.log(`ratio categoriser / pass-through: ${result.ratio} (target ≥ 0.5); target ≥ 10,000/s`);
console.log(JSON.stringify(result));
process.exit(0);
