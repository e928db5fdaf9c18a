// Replay and verify a window of history: a streaming join of declarations and assessments (records
// arrive in any order across topics), each assessment re-run as it meets its declaration, and the
// chain declaration → assessment → assignment → final outcome checked for gaps at the end.
import type { CompiledRuleset } from '@clearway/categoriser';
import type {
  ClearanceOutcome,
  DeadLetter,
  Declaration,
  InspectionLevel,
  InspectionResult,
  LaneAssignment,
  RiskAssessment,
} from '@clearway/schemas';
import {
  amendmentKey,
  inWindow,
  levels,
  type CorruptRecord,
  type Located,
  type RecordLocation,
  type TimeWindow,
} from './audit-records.ts';
import {
  ASSESSED,
  DECLARED_IN_WINDOW,
  createReplayJoin,
  type Arrived,
  type JoinQueries,
  type JoinSummary,
} from './replay-join.ts';
import type { FieldDifference } from './verify-assessment.ts';

/** A ruleset version by content hash, or why it cannot be had. */
export type RulesetLookup = (version: string) => { ruleset: CompiledRuleset } | { missing: string };

export type GapKind =
  | 'DECLARATION_WITHOUT_ASSESSMENT'
  | 'ASSESSMENT_WITHOUT_DECLARATION'
  | 'ASSIGNMENT_WITHOUT_OUTCOME'
  | 'OUTCOME_WITHOUT_ASSESSMENT';

export interface Gap {
  kind: GapKind;
  declarationId: string;
  amendment: number;
  detail: string;
  at: RecordLocation;
}

export interface AssessmentDifference {
  assessmentId: string;
  declarationId: string;
  amendment: number;
  rulesetVersion: string;
  differences: FieldDifference[];
  at: RecordLocation;
}

export interface Unverifiable {
  assessmentId: string;
  rulesetVersion: string;
  reason: string;
  at: RecordLocation;
}

export interface Duplicate {
  kind: 'ASSESSMENT' | 'FINAL_OUTCOME';
  declarationId: string;
  amendment: number;
  records: RecordLocation[];
}

export interface LevelsAt {
  hour: number;
  counts: Record<InspectionLevel, number>;
}

export interface ReplayReport {
  kind: 'replay';
  window: { from: string; to: string };
  port: string | null;
  /** Set when the window holds no declarations and no assessments. */
  noData: string | null;
  counts: {
    declarations: number;
    assessments: number;
    verified: number;
    different: number;
    unverifiable: number;
    assignments: number;
    results: number;
    outcomes: number;
    deadLettered: number;
    corrupt: number;
    gaps: number;
  };
  differences: AssessmentDifference[];
  unverifiable: Unverifiable[];
  gaps: Gap[];
  duplicates: Duplicate[];
  deadLettered: { declarationId: string; amendment: number; reasonCode: string; at: RecordLocation }[];
  corrupt: CorruptRecord[];
  levelsByHour: LevelsAt[];
  rulesetVersions: { version: string; assessments: number }[];
  /** Partitions the read could not finish (e.g. an open transaction); their findings may be partial. */
  incompleteReads: string[];
}

const locationKey = (topic: string, partition: number, offset: string): string =>
  `${topic}:${partition}:${offset}`;

/**
 * The replay of a window. Declarations and assessments go to the join, either here (one thread) or
 * in worker shards that number each record with `arrival()` and hand their summaries to `finish`;
 * the other topics and the report's bookkeeping stay here.
 */
export function createReplay(options: { window: TimeWindow; port?: string; rulesets: RulesetLookup }) {
  const { window, port } = options;
  const join = createReplayJoin(options);
  const assignments: Located<LaneAssignment>[] = [];
  const outcomes: Located<ClearanceOutcome>[] = [];
  const deadLetters = new Map<string, string>();
  const corrupt: Arrived<CorruptRecord>[] = [];
  let results = 0;
  let arrivals = 0;
  const ofPort = (p: string): boolean => port === undefined || p === port;

  // Amendments and assessment ids the outcome and assignment checks ask the join about, in a fixed order.
  const joinQueries = (): JoinQueries => {
    const keys = new Set<string>();
    const assessmentIds = new Set<string>();
    for (const a of assignments) keys.add(amendmentKey(a.value.declarationId, a.value.amendment));
    for (const o of outcomes) {
      keys.add(amendmentKey(o.value.declarationId, o.value.amendment));
      assessmentIds.add(o.value.assessmentId);
    }
    return { keys: [...keys], assessmentIds: [...assessmentIds] };
  };

  return {
    /** Numbers a record joined elsewhere (a worker shard), in the order records arrive here. */
    arrival: (): number => arrivals++,
    addDeclaration: (record: Located<Declaration>): void => join.addDeclaration(record, arrivals++),
    addAssessment: (record: Located<RiskAssessment>): void => join.addAssessment(record, arrivals++),
    addAssignment: (record: Located<LaneAssignment>): void => {
      if (ofPort(record.value.port)) assignments.push(record);
    },
    addResult: (record: Located<InspectionResult>): void => {
      if (ofPort(record.value.port)) results++;
    },
    addOutcome: (record: Located<ClearanceOutcome>): void => {
      if (ofPort(record.value.port)) outcomes.push(record);
    },
    addDeadLetter: (record: Located<DeadLetter>): void => {
      const v = record.value;
      deadLetters.set(locationKey(v.sourceTopic, v.sourcePartition, v.sourceOffset), v.reasonCode);
    },
    /** A record that did not decode; `seq` is its arrival number when a worker found it. */
    addCorrupt: (record: CorruptRecord, seq: number = arrivals++): void => {
      corrupt.push({ seq, item: record });
    },
    joinQueries,

    /** The report; `joined` are the worker shards' summaries of `joinQueries()`, else the join here. */
    finish: (incompleteReads: string[] = [], joined?: JoinSummary[]): ReplayReport => {
      const queries = joinQueries();
      const summaries = joined ?? [join.summarise(queries)];
      const flags = new Map<string, number>();
      queries.keys.forEach((key, i) => {
        let f = 0;
        for (const s of summaries) f |= s.keyFlags[i] ?? 0;
        flags.set(key, f);
      });
      const knownIds = new Set(
        queries.assessmentIds.filter((_, i) => summaries.some((s) => s.knownAssessmentIds[i])),
      );
      const has = (key: string, flag: number) => ((flags.get(key) ?? 0) & flag) !== 0;
      const inScope = (key: string, at: RecordLocation) =>
        has(key, DECLARED_IN_WINDOW) || inWindow(window, at.timestamp);

      const gaps: Gap[] = inArrivalOrder(summaries.map((s) => s.withoutDeclaration));
      const differences = inArrivalOrder(summaries.map((s) => s.differences));
      const unverifiable = inArrivalOrder(summaries.map((s) => s.unverifiable));

      const deadLettered: ReplayReport['deadLettered'] = [];
      for (const d of inArrivalOrder(summaries.map((s) => s.unassessed))) {
        const code = deadLetters.get(locationKey(d.at.topic, d.at.partition, d.at.offset));
        if (code !== undefined) deadLettered.push({ ...d, reasonCode: code });
        else
          gaps.push({
            kind: 'DECLARATION_WITHOUT_ASSESSMENT',
            ...d,
            detail: `declaration ${amendmentKey(d.declarationId, d.amendment)} has no assessment and was not dead-lettered`,
          });
      }

      const finals = new Map<string, Located<ClearanceOutcome>[]>();
      for (const o of outcomes) {
        const key = amendmentKey(o.value.declarationId, o.value.amendment);
        if (o.value.final) finals.set(key, [...(finals.get(key) ?? []), o]);
      }
      const assignedKeys = new Map<string, Located<LaneAssignment>>();
      let assignmentsInScope = 0;
      for (const a of assignments) {
        const key = amendmentKey(a.value.declarationId, a.value.amendment);
        if (!inScope(key, a.at)) continue;
        assignmentsInScope++;
        assignedKeys.set(key, a); // the latest assignment of the amendment stands for it
      }
      for (const [key, a] of assignedKeys)
        if (!finals.has(key))
          gaps.push({
            kind: 'ASSIGNMENT_WITHOUT_OUTCOME',
            declarationId: a.value.declarationId,
            amendment: a.value.amendment,
            detail: `assignment ${a.value.assignmentId} (${a.value.kind} to ${a.value.laneId}) has no final clearance outcome`,
            at: a.at,
          });
      let outcomesInScope = 0;
      for (const o of outcomes) {
        const key = amendmentKey(o.value.declarationId, o.value.amendment);
        if (!inScope(key, o.at)) continue;
        outcomesInScope++;
        if (!knownIds.has(o.value.assessmentId) && !has(key, ASSESSED))
          gaps.push({
            kind: 'OUTCOME_WITHOUT_ASSESSMENT',
            declarationId: o.value.declarationId,
            amendment: o.value.amendment,
            detail: `outcome ${o.value.outcomeId} (${o.value.decision}) names assessment ${o.value.assessmentId}, which is not recorded`,
            at: o.at,
          });
      }

      const duplicates: Duplicate[] = inArrivalOrder(summaries.map((s) => s.duplicates));
      for (const [key, records] of finals)
        if (records.length > 1 && inScope(key, records[0]!.at)) {
          const [declarationId, amendment] = splitKey(key);
          duplicates.push({
            kind: 'FINAL_OUTCOME',
            declarationId,
            amendment,
            records: records.map((r) => r.at),
          });
        }

      const gapOrder: GapKind[] = [
        'DECLARATION_WITHOUT_ASSESSMENT',
        'ASSESSMENT_WITHOUT_DECLARATION',
        'ASSIGNMENT_WITHOUT_OUTCOME',
        'OUTCOME_WITHOUT_ASSESSMENT',
      ];
      gaps.sort(
        (a, b) =>
          gapOrder.indexOf(a.kind) - gapOrder.indexOf(b.kind) ||
          a.declarationId.localeCompare(b.declarationId),
      );
      const sum = (f: (s: JoinSummary) => number) => summaries.reduce((n, s) => n + f(s), 0);
      const declarations = sum((s) => s.declarations);
      const assessments = sum((s) => s.assessments);
      const noData =
        declarations === 0 && assessments === 0
          ? `no declarations or assessments between ${iso(window.from)} and ${iso(window.to)}${port ? ` at ${port}` : ''}`
          : null;
      return {
        kind: 'replay',
        window: { from: iso(window.from), to: iso(window.to) },
        port: port ?? null,
        noData,
        counts: {
          declarations,
          assessments,
          verified: sum((s) => s.verified),
          different: differences.length,
          unverifiable: unverifiable.length,
          assignments: assignmentsInScope,
          results,
          outcomes: outcomesInScope,
          deadLettered: deadLettered.length,
          corrupt: corrupt.length,
          gaps: gaps.length,
        },
        differences,
        unverifiable,
        gaps,
        duplicates,
        deadLettered,
        corrupt: inArrivalOrder([corrupt]),
        levelsByHour: mergeLevels(summaries),
        rulesetVersions: mergeVersions(summaries),
        incompleteReads,
      };
    },
  };
}

const inArrivalOrder = <T>(lists: Arrived<T>[][]): T[] =>
  lists
    .flat()
    .sort((a, b) => a.seq - b.seq)
    .map((a) => a.item);

function mergeLevels(summaries: JoinSummary[]): LevelsAt[] {
  const byHour = new Map<number, Record<InspectionLevel, number>>();
  for (const s of summaries)
    for (const [hour, counts] of s.levelsByHour) {
      const into = byHour.get(hour);
      if (!into) byHour.set(hour, { ...counts });
      else for (const level of levels) into[level] += counts[level];
    }
  return [...byHour.entries()].sort(([a], [b]) => a - b).map(([hour, counts]) => ({ hour, counts }));
}

// A version is listed where one thread would first have met it: at its earliest assessment.
function mergeVersions(summaries: JoinSummary[]): ReplayReport['rulesetVersions'] {
  const versions = new Map<string, { assessments: number; firstSeq: number }>();
  for (const s of summaries)
    for (const v of s.rulesetVersions) {
      const into = versions.get(v.version);
      if (!into) versions.set(v.version, { assessments: v.assessments, firstSeq: v.firstSeq });
      else {
        into.assessments += v.assessments;
        into.firstSeq = Math.min(into.firstSeq, v.firstSeq);
      }
    }
  return [...versions.entries()]
    .sort(([, a], [, b]) => a.firstSeq - b.firstSeq)
    .map(([version, v]) => ({ version, assessments: v.assessments }));
}

export type Replay = ReturnType<typeof createReplay>;

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

export const iso = (ms: number): string => new Date(ms).toISOString();
