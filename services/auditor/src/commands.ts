// The audit commands' I/O: read the topics for a window, decode, and feed the pure replay, trace and
// backtest. Nothing here writes to a topic or commits an offset.
import type { TopicNames } from '@clearway/infra';
import type { AvroSerde, Kafka } from '@clearway/kafka';
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
import { buildTrace, type TraceInput, type TraceReport } from './domain/trace.ts';
import { readWindow, type RawRecord, type TopicRange } from './adapters/read-window.ts';
import { createRulesetStore } from './adapters/ruleset-store.ts';

export interface AuditClients {
  kafka: Kafka;
  serde: AvroSerde;
  topics: TopicNames;
}

export interface WindowOptions {
  window: TimeWindow;
  port?: string;
  /** Read this much either side of the window, so a decision's other records are found. */
  graceMs: number;
  onProgress?: (done: number, total: number) => void;
}

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

async function readRulesets(clients: AuditClients, onCorrupt: (c: CorruptRecord) => void) {
  const store = createRulesetStore();
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
  return { store, published };
}

/** Which replay input each audited topic feeds. */
export function replayHandlers(topics: TopicNames, replay: Replay): Map<string, Handler> {
  return new Map<string, Handler>([
    [topics.declarations, as<Declaration>(replay.addDeclaration)],
    [topics.riskAssessments, as<RiskAssessment>(replay.addAssessment)],
    [topics.laneAssignments, as<LaneAssignment>(replay.addAssignment)],
    [topics.inspectionResults, as<InspectionResult>(replay.addResult)],
    [topics.clearanceOutcomes, as<ClearanceOutcome>(replay.addOutcome)],
    [topics.dlqCategoriser, as<DeadLetter>(replay.addDeadLetter)],
  ]);
}

export async function runReplay(clients: AuditClients, options: WindowOptions): Promise<ReplayReport> {
  const { topics } = clients;
  const corrupt: CorruptRecord[] = [];
  const { store } = await readRulesets(clients, (c) => corrupt.push(c));
  const port = options.port ? { port: options.port } : {};
  const progress = options.onProgress ? { onProgress: options.onProgress } : {};
  const ranges = windowRanges(
    [
      topics.declarations,
      topics.riskAssessments,
      topics.laneAssignments,
      topics.inspectionResults,
      topics.clearanceOutcomes,
      topics.dlqCategoriser,
    ],
    options,
  );

  const replay = createReplay({ window: options.window, ...port, rulesets: store.lookup });
  for (const c of corrupt) replay.addCorrupt(c);
  const summary = await readWindow({
    kafka: clients.kafka,
    ranges,
    onBatch: dispatcher(clients.serde, replayHandlers(topics, replay), replay.addCorrupt),
    ...progress,
  });
  return replay.finish(summary.incomplete);
}

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
