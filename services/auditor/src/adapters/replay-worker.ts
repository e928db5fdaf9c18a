// A replay worker thread: decodes the declarations and assessments routed to its shard, joins and
// re-decides them, and summarises at the end. Builds its own serde (schemas are fetched from the
// registry once per writer schema) and compiles each ruleset version itself. It imports the serde
// and the registry client, not the @clearway/kafka entry point: that loads kafkajs and the stage
// runner, a third of a worker's start-up, for nothing.
import { parentPort, workerData } from 'node:worker_threads';
import { parseConfig, registrySettings } from '@clearway/config';
import { createAvroSerde } from '@clearway/kafka/avro-serde';
import { createSchemaRegistry } from '@clearway/kafka/schema-registry';
import type { CorruptRecord } from '../domain/audit-records.ts';
import { createReplayJoin, type Arrived, type JoinQueries } from '../domain/replay-join.ts';
import { hashOfId, shardOf } from '../domain/shard-of.ts';
import { unpackRecords, type PackedRecords } from './packed-records.ts';
import type { FromWorker, ReplayWorkerData, ToWorker } from './replay-worker-messages.ts';
import { createRulesetStore } from './ruleset-store.ts';
import { createShardFeeder } from './shard-feeder.ts';

const data = workerData as ReplayWorkerData;
const port = parentPort!;
const serde = createAvroSerde(
  createSchemaRegistry(parseConfig(registrySettings, data.registryEnv)),
  data.catalogue,
);
const store = createRulesetStore();
const join = createReplayJoin({
  window: data.window,
  ...(data.port === null ? {} : { port: data.port }),
  rulesets: store.lookup,
});
const corrupt: Arrived<CorruptRecord>[] = [];
const feeder = createShardFeeder({
  serde,
  join,
  owns: (declarationId) => shardOf(hashOfId(declarationId), data.plan) === data.shard,
  defer: data.defer,
  onCorrupt: (item, seq) => corrupt.push({ seq, item }),
});
const reply = (message: FromWorker) => port.postMessage(message);

async function onRecords(packed: PackedRecords): Promise<void> {
  const isDeclaration = packed.topic === data.declarationsTopic;
  // Only a declaration's key is used (to hold it until its assessment comes).
  for (const r of unpackRecords(packed, isDeclaration)) {
    const step = isDeclaration
      ? feeder.declaration(r.at, r.seq, r.key, r.value)
      : feeder.assessment(r.at, r.seq, r.value);
    if (step) await step;
  }
  reply({ type: 'done', bytes: packed.buffer.byteLength });
}

async function onFinish(queries: JoinQueries): Promise<void> {
  await feeder.flush();
  reply({ type: 'summary', summary: join.summarise(queries), corrupt, misrouted: feeder.misrouted() });
}

function onMessage(message: ToWorker): Promise<void> | void {
  switch (message.type) {
    case 'rulesets':
      for (const r of message.published) store.add(r);
      return;
    case 'records':
      return onRecords(message);
    case 'finish':
      return onFinish(message.queries);
  }
}

// Messages are handled one after another, in the order sent: a decode that has to ask the registry
// must not let a later record of the same amendment overtake it. A failure is a bug: the thread
// dies with it and the main thread reports it.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToWorker) => {
  queue = queue.then(() => onMessage(message));
});
