// A replay worker thread: decodes the declarations and assessments routed to its shard, joins and
// re-decides them, and summarises at the end. Decodes with the writer schemas the main thread looked
// up and sends ahead of the records that need them, and compiles each ruleset version itself. It
// imports only the decoding half of the serde: the @clearway/kafka entry point loads kafkajs and the
// stage runner, and the serde the registry client and the topic catalogue's YAML parser, which
// together were most of a worker's start-up, spent while the main thread reads alone.
import { parentPort, workerData } from 'node:worker_threads';
import { createAvroDecoding, createEventTypes, type WriterSchema } from '@clearway/kafka/avro-decoding';
import type { CorruptRecord } from '../domain/audit-records.ts';
import { createReplayJoin, type Arrived, type JoinQueries } from '../domain/replay-join.ts';
import { hashOfId, shardOf } from '../domain/shard-of.ts';
import { unpackRecords, type PackedRecords } from './packed-records.ts';
import type { FromWorker, ReplayWorkerData, SchemaLookup, ToWorker } from './replay-worker-messages.ts';
import { createRulesetStore } from './ruleset-store.ts';
import { createShardFeeder } from './shard-feeder.ts';

const data = workerData as ReplayWorkerData;
const port = parentPort!;
const schemas = new Map<number, SchemaLookup>();
const writerSchema = async (id: number): Promise<WriterSchema> => {
  const lookup = schemas.get(id);
  if (lookup === undefined) throw new Error(`schema id ${id} was not sent to replay worker ${data.shard}`);
  if ('failure' in lookup) throw new Error(lookup.failure);
  return lookup.schema;
};
const serde = createAvroDecoding(createEventTypes(data.catalogue), writerSchema);
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
    case 'schemas':
      for (const lookup of message.lookups) schemas.set(lookup.id, lookup);
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
