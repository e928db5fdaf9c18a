// The audit commands' I/O: read the topics for a window, decode, and feed the pure replay, trace and
// backtest. Nothing here writes to a topic or commits an offset.
import { availableParallelism } from 'node:os';
import type { TopicNames, TopicSpec } from '@clearway/infra';
import type {
  ClearanceOutcome,
  DeadLetter,
  Declaration,
  InspectionResult,
  LaneAssignment,
  RiskAssessment,
  RulesetPublished,
} from '@clearway/schemas';
import type { CompiledRuleset } from '@clearway/categoriser';
import type { CorruptRecord, Located, TimeWindow } from './domain/audit-records.ts';
import { createBacktest, type BacktestReport } from './domain/backtest.ts';
import type { LaneThroughput } from './domain/lane-capacity.ts';
import { createReplay, type Replay, type ReplayReport } from './domain/replay.ts';
import { createReplayJoin } from './domain/replay-join.ts';
import { hashOfId, hashOfKey, planShards, shardOf } from './domain/shard-of.ts';
import { buildTrace, type TraceInput, type TraceReport } from './domain/trace.ts';
import { readWindow, type AvroSerde, type Kafka, type RawRecord, type TopicRange } from '@clearway/kafka';
import { startReplayWorkers } from './adapters/replay-worker-pool.ts';
import { createShardFeeder } from './adapters/shard-feeder.ts';
import { createRulesetStore } from './adapters/ruleset-store.ts';
import type { PublishedVersion } from './domain/ruleset-versions.ts';

export interface AuditClients {
  kafka: Kafka;
  serde: AvroSerde;
  topics: TopicNames;
  catalogue: TopicSpec[];
}

export interface WindowOptions {
  window: TimeWindow;
  port?: string;
  /** Read this much either side of the window, so a decision's other records are found. */
  graceMs: number;
  onProgress?: (done: number, total: number) => void;
  /** Replay: worker threads that decode and re-decide besides this one; 0 does it all here. */
  workers?: number;
}

/** One worker per core but one: this thread reads from the broker and joins a smaller shard. */
export const defaultReplayWorkers = (): number => Math.max(1, availableParallelism() - 1);

type Handler = (record: Located<unknown>) => void;

/** Decodes each record and hands it to its topic's handler; a record that does not decode is reported. */
export function dispatcher(
  serde: AvroSerde,
  handlers: Map<string, Handler>,
  onCorrupt: (c: CorruptRecord) => void,
) {
  return async (records: RawRecord[]): Promise<void> => {
    for (const r of records) {
      const handle = handlers.get(r.topic);
      if (!handle) continue;
      const at = { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp };
      if (r.value === null) {
        onCorrupt({ ...at, reason: 'record has no value' });
        continue;
      }
      let value: unknown;
      try {
        value = serde.tryDecodeCached(r.topic, r.value) ?? (await serde.decode(r.topic, r.value));
      } catch (error) {
        onCorrupt({ ...at, reason: (error as Error).message });
        continue;
      }
      handle({ value, at });
    }
  };
}

const as = <T>(f: (r: Located<T>) => void): Handler => f as Handler;

/** Every published ruleset version, into `store`; resolves to them in the order read. */
async function readRulesets(
  clients: AuditClients,
  store: ReturnType<typeof createRulesetStore>,
  onCorrupt: (c: CorruptRecord) => void,
): Promise<RulesetPublished[]> {
  const published: RulesetPublished[] = [];
  await readWindow({
    kafka: clients.kafka,
    ranges: [{ topic: clients.topics.rulesets, fromMs: null, toMs: null }],
    onBatch: dispatcher(
      clients.serde,
      new Map([
        [
          clients.topics.rulesets,
          as<RulesetPublished>((r) => {
            store.add(r.value);
            published.push(r.value);
          }),
        ],
      ]),
      onCorrupt,
    ),
  });
  return published;
}

/**
 * Every ruleset version on the rulesets topic, each checked against its name (its content must hash
 * to it and compile), and the content of each: what an auditor fetches to see the rules that decided.
 */
export async function runRulesets(clients: AuditClients): Promise<{
  versions: PublishedVersion[];
  content: (version: string) => string | undefined;
  corrupt: CorruptRecord[];
}> {
  const store = createRulesetStore();
  const corrupt: CorruptRecord[] = [];
  const published = await readRulesets(clients, store, (c) => corrupt.push(c));
  // A version published again (each categoriser start publishes its version) is listed once, at its
  // first publication; the store judges the copy read last, and that is the content given out.
  const versions = new Map<string, PublishedVersion>();
  for (const p of published) {
    if (versions.has(p.version)) continue;
    const judged = store.lookup(p.version);
    versions.set(p.version, {
      version: p.version,
      name: p.name,
      publishedAt: p.publishedAt,
      problem: 'missing' in judged ? judged.missing : null,
    });
  }
  return {
    versions: [...versions.values()],
    content: (version) => store.published(version)?.content,
    corrupt,
  };
}

/**
 * Which replay input each audited topic besides declarations and assessments feeds; those two are
 * joined in shards (replayInShards).
 */
function replayHandlers(topics: TopicNames, replay: Replay): Map<string, Handler> {
  return new Map<string, Handler>([
    [topics.laneAssignments, as<LaneAssignment>(replay.addAssignment)],
    [topics.inspectionResults, as<InspectionResult>(replay.addResult)],
    [topics.clearanceOutcomes, as<ClearanceOutcome>(replay.addOutcome)],
    [topics.dlqCategoriser, as<DeadLetter>(replay.addDeadLetter)],
  ]);
}

export async function runReplay(clients: AuditClients, options: WindowOptions): Promise<ReplayReport> {
  const workers = options.workers ?? defaultReplayWorkers();
  const report = await replayInShards(clients, options, { workers, defer: true });
  // Null when some declaration or assessment was keyed by something other than its declaration id:
  // its partner may have been joined in another shard, or its copies taken out of order. One shard
  // that decodes everything as it arrives sees them all.
  return report ?? (await replayInShards(clients, options, { workers: 0, defer: false }))!;
}

// Declarations and assessments, most of the work, are decoded, joined and re-decided in shards chosen
// by record key: shard 0 on this thread, one more per worker thread. The other topics are decoded
// here. Records are numbered as they arrive, so the merged report is the one a single shard gives.
async function replayInShards(
  clients: AuditClients,
  options: WindowOptions,
  how: { workers: number; defer: boolean },
): Promise<ReplayReport | null> {
  const { topics, serde } = clients;
  const port = options.port ? { port: options.port } : {};
  const workerCount = how.workers;
  const plan = planShards(workerCount);
  // Started first: a worker takes a while to load, and the rulesets are read meanwhile.
  const workers =
    workerCount > 0
      ? startReplayWorkers({
          plan,
          writerSchema: (id) => serde.writerSchema(id),
          catalogue: clients.catalogue,
          declarationsTopic: topics.declarations,
          defer: how.defer,
          window: options.window,
          ...port,
        })
      : null;
  try {
    const corrupt: CorruptRecord[] = [];
    const store = createRulesetStore();
    const replay = createReplay({ window: options.window, ...port, rulesets: store.lookup });
    // Read while the window's read is planned and its consumer joins the group (the read waits for
    // it before its first record): the versions are looked up only when a record is re-decided, and
    // the rulesets' corrupt records are numbered before any of the window's.
    const rulesetsRead = readRulesets(clients, store, (c) => corrupt.push(c)).then((published) => {
      workers?.addRulesets(published);
      for (const c of corrupt) replay.addCorrupt(c);
    });
    rulesetsRead.catch(() => undefined); // the window's read fails with it
    const here = createReplayJoin({ window: options.window, ...port, rulesets: store.lookup });
    const feeder = createShardFeeder({
      serde,
      join: here,
      owns: (declarationId) => shardOf(hashOfId(declarationId), plan) === 0,
      defer: how.defer,
      onCorrupt: replay.addCorrupt,
    });
    const joinHere = (r: RawRecord, seq: number) =>
      r.topic === topics.declarations
        ? feeder.declaration(locationOf(r), seq, r.key === null ? null : r.key.toString(), r.value!)
        : feeder.assessment(locationOf(r), seq, r.value!);
    const join = async (topic: string, records: RawRecord[]): Promise<void> => {
      const seqs: number[] = [];
      const local: number[] = [];
      const picked: number[][] = Array.from({ length: workerCount }, () => []);
      records.forEach((r, i) => {
        if (r.value === null) {
          replay.addCorrupt({ ...locationOf(r), reason: 'record has no value' });
          seqs.push(-1);
          return;
        }
        seqs.push(replay.arrival());
        const shard = shardOf(hashOfKey(r.key), plan);
        if (shard === 0) local.push(i);
        else picked[shard - 1]!.push(i);
      });
      // The workers' share leaves first, so they work while this thread does its own.
      await workers?.send(topic, records, seqs, picked);
      for (const i of local) {
        const step = joinHere(records[i]!, seqs[i]!);
        if (step) await step;
      }
      await workers?.caughtUp();
    };

    const joined = new Set([topics.declarations, topics.riskAssessments]);
    const decodeHere = dispatcher(serde, replayHandlers(topics, replay), replay.addCorrupt);
    const summary = await readWindow({
      kafka: clients.kafka,
      ranges: windowRanges(
        [
          topics.declarations,
          topics.riskAssessments,
          topics.laneAssignments,
          topics.inspectionResults,
          topics.clearanceOutcomes,
          topics.dlqCategoriser,
        ],
        options,
      ),
      onBatch: async (records) => {
        // A batch holds one partition's records; split by topic anyway, keeping their order.
        let from = 0;
        for (let i = 1; i <= records.length; i++) {
          const topic = records[from]!.topic;
          if (i < records.length && records[i]!.topic === topic) continue;
          const run = records.slice(from, i);
          if (joined.has(topic)) await join(topic, run);
          else await decodeHere(run);
          from = i;
        }
      },
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ready: rulesetsRead,
    });
    const queries = replay.joinQueries();
    // The workers flush and summarise while this thread flushes its own shard.
    const elsewhere = workers?.finish(queries);
    elsewhere?.catch(() => undefined); // awaited below, once this shard is flushed
    await feeder.flush();
    // Summarised before the workers' summaries are awaited: the last worker usually finishes later.
    const hereSummary = here.summarise(queries);
    const there = elsewhere ? await elsewhere : { summaries: [], corrupt: [], misrouted: 0 };
    if (feeder.misrouted() + there.misrouted > 0) return null;
    for (const c of there.corrupt) replay.addCorrupt(c.item, c.seq);
    return replay.finish(summary.incomplete, [hereSummary, ...there.summaries]);
  } finally {
    await workers?.close();
  }
}

const locationOf = (r: RawRecord) => ({
  topic: r.topic,
  partition: r.partition,
  offset: r.offset,
  timestamp: r.timestamp,
});

export async function runTrace(
  clients: AuditClients,
  declarationId: string,
  window: TimeWindow | null,
  onProgress?: (done: number, total: number) => void,
): Promise<TraceReport & { corrupt: CorruptRecord[] }> {
  const { topics } = clients;
  const input: TraceInput = { declarations: [], assessments: [], assignments: [], results: [], outcomes: [] };
  const corrupt: CorruptRecord[] = [];
  const push =
    <T>(into: Located<T>[]): Handler =>
    (r) =>
      into.push(r as Located<T>);
  const handlers = new Map<string, Handler>([
    [topics.declarations, push(input.declarations)],
    [topics.riskAssessments, push(input.assessments)],
    [topics.laneAssignments, push(input.assignments)],
    [topics.inspectionResults, push(input.results)],
    [topics.clearanceOutcomes, push(input.outcomes)],
  ]);
  const key = Buffer.from(declarationId);
  const decode = dispatcher(clients.serde, handlers, (c) => corrupt.push(c));
  await readWindow({
    kafka: clients.kafka,
    ranges: [...handlers.keys()].map((topic) => ({
      topic,
      fromMs: window?.from ?? null,
      toMs: window?.to ?? null,
    })),
    // Every topic is keyed by declaration id: only that key's records are decoded.
    onBatch: (records) => decode(records.filter((r) => r.key !== null && r.key.equals(key))),
    ...(onProgress ? { onProgress } : {}),
  });
  return { ...buildTrace(declarationId, input), corrupt };
}

export async function runBacktest(
  clients: AuditClients,
  candidate: CompiledRuleset,
  lanes: LaneThroughput[] | undefined,
  options: WindowOptions,
): Promise<BacktestReport & { corrupt: CorruptRecord[] }> {
  const { topics } = clients;
  const corrupt: CorruptRecord[] = [];
  const backtest = createBacktest({
    candidate,
    window: options.window,
    ...(options.port ? { port: options.port } : {}),
    ...(lanes ? { lanes } : {}),
  });
  const handlers = new Map<string, Handler>([
    [topics.declarations, as<Declaration>(backtest.addDeclaration)],
    [topics.riskAssessments, as<RiskAssessment>(backtest.addAssessment)],
    [topics.inspectionResults, as<InspectionResult>(backtest.addResult)],
  ]);
  await readWindow({
    kafka: clients.kafka,
    ranges: windowRanges([...handlers.keys()], options),
    onBatch: dispatcher(clients.serde, handlers, (c) => corrupt.push(c)),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return { ...backtest.finish(), corrupt };
}

function windowRanges(topics: string[], options: WindowOptions): TopicRange[] {
  return topics.map((topic) => ({
    topic,
    fromMs: options.window.from - options.graceMs,
    toMs: options.window.to + options.graceMs,
  }));
}
