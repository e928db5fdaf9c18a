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
  hourOf,
  inWindow,
  type CorruptRecord,
  type Located,
  type RecordLocation,
  type TimeWindow,
} from './audit-records.ts';
import {
  compareDecided,
  decidedFields,
  recompute,
  type Decided,
  type FieldDifference,
  type Verification,
} from './verify-assessment.ts';

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

// What is kept of each assessment once it is verified: the full record only while it waits for its
// declaration, so a long window does not hold every assessment in memory.
interface AssessmentSeen {
  key: string;
  assessmentId: string;
  declarationId: string;
  amendment: number;
  rulesetVersion: string;
  inspectionLevel: InspectionLevel;
  submittedAt: number;
  value: RiskAssessment | null;
  at: RecordLocation;
  verification: Verification | undefined;
}

// A declaration is held only until an assessment of it is verified; then only what that decision
// was made on and what it recomputed to is kept, so memory does not grow with the window.
interface DeclarationSeen {
  declarationId: string;
  amendment: number;
  at: RecordLocation;
  value: Declaration | null;
  first: { version: string; context: string; decided: Decided } | null;
}

const locationKey = (topic: string, partition: number, offset: string): string =>
  `${topic}:${partition}:${offset}`;

export const emptyLevelCounts = (): Record<InspectionLevel, number> => ({
  RELEASE: 0,
  DOCUMENTARY: 0,
  SCAN: 0,
  PHYSICAL: 0,
});

export function createReplay(options: { window: TimeWindow; port?: string; rulesets: RulesetLookup }) {
  const { window, port, rulesets } = options;
  const declarations = new Map<string, DeclarationSeen>();
  const assessments: AssessmentSeen[] = [];
  const waiting = new Map<string, AssessmentSeen[]>(); // assessments whose declaration is not read yet
  const assignments: Located<LaneAssignment>[] = [];
  const outcomes: Located<ClearanceOutcome>[] = [];
  const deadLetters = new Map<string, string>();
  const corrupt: CorruptRecord[] = [];
  let results = 0;
  const compiled = new Map<string, ReturnType<RulesetLookup>>();
  const rulesetOf = (version: string): CompiledRuleset | string => {
    let found = compiled.get(version);
    if (found === undefined) {
      found = rulesets(version);
      compiled.set(version, found);
    }
    return 'ruleset' in found ? found.ruleset : found.missing;
  };
  const ofPort = (p: string): boolean => port === undefined || p === port;

  const verify = (seen: AssessmentSeen, assessment: RiskAssessment, declaration: DeclarationSeen): void => {
    seen.value = null;
    const version = assessment.rulesetVersion;
    const context = JSON.stringify(assessment.context);
    const first = declaration.first;
    if (declaration.value === null && first !== null) {
      // A later assessment of an amendment already verified: the same inputs must give the same fields.
      const ruleset = first.version === version ? undefined : rulesetOf(version);
      if (typeof ruleset === 'string') {
        seen.verification = { status: 'unverifiable', reason: ruleset };
        return;
      }
      seen.verification =
        first.version === version && first.context === context
          ? compareDecided(decidedFields(assessment), first.decided)
          : {
              status: 'different',
              differences: [
                first.version === version
                  ? { field: 'context', recorded: context, recomputed: first.context }
                  : { field: 'rulesetVersion', recorded: version, recomputed: first.version },
              ],
            };
      return;
    }
    if (declaration.value === null) return;
    const ruleset = rulesetOf(version);
    const again =
      typeof ruleset === 'string'
        ? { unverifiable: ruleset }
        : recompute(ruleset, declaration.value, assessment);
    if ('unverifiable' in again) {
      seen.verification = { status: 'unverifiable', reason: again.unverifiable };
      return;
    }
    seen.verification = compareDecided(decidedFields(assessment), again);
    declaration.first = { version, context, decided: again };
    declaration.value = null;
  };

  return {
    addDeclaration: (record: Located<Declaration>): void => {
      if (!ofPort(record.value.port)) return;
      const key = amendmentKey(record.value.declarationId, record.value.amendment);
      if (declarations.has(key)) return; // a resubmitted copy; the categoriser dead-letters it
      const entry: DeclarationSeen = {
        declarationId: record.value.declarationId,
        amendment: record.value.amendment,
        at: record.at,
        value: record.value,
        first: null,
      };
      declarations.set(key, entry);
      const pending = waiting.get(key);
      if (pending) {
        for (const seen of pending) if (seen.value) verify(seen, seen.value, entry);
        waiting.delete(key);
      }
    },
    addAssessment: (record: Located<RiskAssessment>): void => {
      if (!ofPort(record.value.port)) return;
      const a = record.value;
      const key = amendmentKey(a.declarationId, a.amendment);
      const seen: AssessmentSeen = {
        key,
        assessmentId: a.assessmentId,
        declarationId: a.declarationId,
        amendment: a.amendment,
        rulesetVersion: a.rulesetVersion,
        inspectionLevel: a.inspectionLevel,
        submittedAt: a.submittedAt,
        value: a,
        at: record.at,
        verification: undefined,
      };
      assessments.push(seen);
      const declaration = declarations.get(key);
      if (declaration) verify(seen, a, declaration);
      else {
        const pending = waiting.get(key);
        if (pending) pending.push(seen);
        else waiting.set(key, [seen]);
      }
    },
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
    addCorrupt: (record: CorruptRecord): void => {
      corrupt.push(record);
    },

    finish: (incompleteReads: string[] = []): ReplayReport => {
      const declarationsInScope = new Set<string>();
      for (const [key, d] of declarations) if (inWindow(window, d.at.timestamp)) declarationsInScope.add(key);
      const inScope = (key: string, at: RecordLocation) =>
        declarationsInScope.has(key) || inWindow(window, at.timestamp);

      const gaps: Gap[] = [];
      const differences: AssessmentDifference[] = [];
      const unverifiable: Unverifiable[] = [];
      const assessedKeys = new Map<string, RecordLocation[]>();
      const assessmentIds = new Set<string>();
      const byHour = new Map<number, Record<InspectionLevel, number>>();
      const versions = new Map<string, number>();
      let verified = 0;
      let assessmentsInScope = 0;
      for (const seen of assessments) {
        assessmentIds.add(seen.assessmentId);
        const same = assessedKeys.get(seen.key);
        if (same) same.push(seen.at);
        else assessedKeys.set(seen.key, [seen.at]);
        if (!inScope(seen.key, seen.at)) continue;
        assessmentsInScope++;
        const a = seen;
        versions.set(a.rulesetVersion, (versions.get(a.rulesetVersion) ?? 0) + 1);
        const hour = hourOf(a.submittedAt);
        const counts = byHour.get(hour) ?? emptyLevelCounts();
        counts[a.inspectionLevel]++;
        byHour.set(hour, counts);
        const v = seen.verification;
        if (v === undefined)
          gaps.push({
            kind: 'ASSESSMENT_WITHOUT_DECLARATION',
            declarationId: a.declarationId,
            amendment: a.amendment,
            detail: `assessment ${a.assessmentId} has no declaration in the window`,
            at: seen.at,
          });
        else if (v.status === 'verified') verified++;
        else if (v.status === 'different')
          differences.push({
            assessmentId: a.assessmentId,
            declarationId: a.declarationId,
            amendment: a.amendment,
            rulesetVersion: a.rulesetVersion,
            differences: v.differences,
            at: seen.at,
          });
        else
          unverifiable.push({
            assessmentId: a.assessmentId,
            rulesetVersion: a.rulesetVersion,
            reason: v.reason,
            at: seen.at,
          });
      }

      const deadLettered: ReplayReport['deadLettered'] = [];
      for (const key of declarationsInScope) {
        if (assessedKeys.has(key)) continue;
        const d = declarations.get(key)!;
        const code = deadLetters.get(locationKey(d.at.topic, d.at.partition, d.at.offset));
        const entry = { declarationId: d.declarationId, amendment: d.amendment, at: d.at };
        if (code !== undefined) deadLettered.push({ ...entry, reasonCode: code });
        else
          gaps.push({
            kind: 'DECLARATION_WITHOUT_ASSESSMENT',
            ...entry,
            detail: `declaration ${key} has no assessment and was not dead-lettered`,
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
        if (!assessmentIds.has(o.value.assessmentId) && !assessedKeys.has(key))
          gaps.push({
            kind: 'OUTCOME_WITHOUT_ASSESSMENT',
            declarationId: o.value.declarationId,
            amendment: o.value.amendment,
            detail: `outcome ${o.value.outcomeId} (${o.value.decision}) names assessment ${o.value.assessmentId}, which is not recorded`,
            at: o.at,
          });
      }

      const duplicates: Duplicate[] = [];
      for (const [key, records] of assessedKeys)
        if (records.length > 1 && inScope(key, records[0]!)) {
          const [declarationId, amendment] = splitKey(key);
          duplicates.push({ kind: 'ASSESSMENT', declarationId, amendment, records });
        }
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
      const noData =
        declarationsInScope.size === 0 && assessmentsInScope === 0
          ? `no declarations or assessments between ${iso(window.from)} and ${iso(window.to)}${port ? ` at ${port}` : ''}`
          : null;
      return {
        kind: 'replay',
        window: { from: iso(window.from), to: iso(window.to) },
        port: port ?? null,
        noData,
        counts: {
          declarations: declarationsInScope.size,
          assessments: assessmentsInScope,
          verified,
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
        corrupt,
        levelsByHour: [...byHour.entries()]
          .sort(([a], [b]) => a - b)
          .map(([hour, counts]) => ({ hour, counts })),
        rulesetVersions: [...versions.entries()].map(([version, n]) => ({ version, assessments: n })),
        incompleteReads,
      };
    },
  };
}

export type Replay = ReturnType<typeof createReplay>;

function splitKey(key: string): [string, number] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), Number(key.slice(i + 1))];
}

export const iso = (ms: number): string => new Date(ms).toISOString();
