// Replay's streaming join of declarations and assessments, for the amendments routed to one shard
// (all of them when replay runs on one thread). Records arrive in any order across topics; each
// assessment is re-run as it meets its declaration. The summary tags each finding with the record's
// arrival number, so the findings of several shards merge back into the order one thread would see.
import type { CompiledRuleset } from '@clearway/categoriser';
import type { Declaration, InspectionLevel, RiskAssessment } from '@clearway/schemas';
import {
  emptyLevelCounts,
  hourOf,
  inWindow,
  type Located,
  type RecordLocation,
  type TimeWindow,
} from './audit-records.ts';
import type { AssessmentDifference, Duplicate, Gap, RulesetLookup, Unverifiable } from './replay.ts';
import {
  compareRecorded,
  recompute,
  type Decided,
  type ReplayedAssessment,
  type Verification,
} from './verify-assessment.ts';

/** A finding with the arrival number of the record it is about. */
export interface Arrived<T> {
  seq: number;
  item: T;
}

/** What the merge needs to know about amendments and assessments seen on other topics. */
export interface JoinQueries {
  /** As `amendmentKey` spells them. */
  keys: string[];
  assessmentIds: string[];
}

/** A declaration in the window that no assessment names; dead-lettered or a gap, by the merge. */
export interface Unassessed {
  declarationId: string;
  amendment: number;
  at: RecordLocation;
}

export interface JoinSummary {
  declarations: number;
  assessments: number;
  verified: number;
  differences: Arrived<AssessmentDifference>[];
  unverifiable: Arrived<Unverifiable>[];
  withoutDeclaration: Arrived<Gap>[];
  unassessed: Arrived<Unassessed>[];
  duplicates: Arrived<Duplicate>[];
  levelsByHour: [number, Record<InspectionLevel, number>][];
  rulesetVersions: { version: string; assessments: number; firstSeq: number }[];
  /** Per queried key: bit 1 its declaration is in the window, bit 2 it has an assessment. */
  keyFlags: number[];
  /** Per queried assessment id: whether it was read here. */
  knownAssessmentIds: boolean[];
}

export const DECLARED_IN_WINDOW = 1;
export const ASSESSED = 2;

// Everything known about one declaration amendment. The declaration is held only until an assessment
// of it is re-run; then only what that decision was made on and what it recomputed to is kept, so
// memory does not grow with the window.
interface AmendmentSeen {
  declarationId: string;
  amendment: number;
  /** Another amendment of the same declaration. */
  next: AmendmentSeen | null;
  declaration: { at: RecordLocation; seq: number } | null;
  pending: Declaration | null;
  first: { version: string; context: RiskAssessment['context']; decided: Decided } | null;
  waiting: AssessmentSeen[] | null;
  assessments: number;
}

// The full assessment is kept only while it waits for its declaration.
interface AssessmentSeen {
  amendment: AmendmentSeen;
  seq: number;
  assessmentId: string;
  rulesetVersion: string;
  inspectionLevel: InspectionLevel;
  submittedAt: number;
  at: RecordLocation;
  value: ReplayedAssessment | null;
  verification: Verification | undefined;
}

export function createReplayJoin(options: { window: TimeWindow; port?: string; rulesets: RulesetLookup }) {
  const { window, port, rulesets } = options;
  const assessments: AssessmentSeen[] = [];
  const compiled = new Map<string, ReturnType<RulesetLookup>>();
  const rulesetOf = (version: string): CompiledRuleset | string => {
    let found = compiled.get(version);
    if (found === undefined) {
      found = rulesets(version);
      compiled.set(version, found);
    }
    return 'ruleset' in found ? found.ruleset : found.missing;
  };
  // Every assessment names its ruleset version (a content hash, ~70 characters); what is kept until
  // the report holds one copy of each version instead of one per assessment.
  const versionNames = new Map<string, string>();
  const versionOf = (version: string): string => {
    const known = versionNames.get(version);
    if (known !== undefined) return known;
    versionNames.set(version, version);
    return version;
  };
  const ofPort = (p: string): boolean => port === undefined || p === port;
  // By declaration id, then amendment: no key string to build and hash for every record.
  const byDeclaration = new Map<string, AmendmentSeen>();
  // Amendments with assessments waiting for their declaration: while there are none, `awaits` needs
  // no lookup.
  let waitingAmendments = 0;
  const found = (declarationId: string, amendment: number): AmendmentSeen | undefined => {
    let seen = byDeclaration.get(declarationId);
    while (seen !== undefined && seen.amendment !== amendment) seen = seen.next ?? undefined;
    return seen;
  };
  const amendmentOf = (declarationId: string, amendment: number): AmendmentSeen => {
    const existing = found(declarationId, amendment);
    if (existing !== undefined) return existing;
    const seen: AmendmentSeen = {
      declarationId,
      amendment,
      next: byDeclaration.get(declarationId) ?? null,
      declaration: null,
      pending: null,
      first: null,
      waiting: null,
      assessments: 0,
    };
    byDeclaration.set(declarationId, seen);
    return seen;
  };

  const verify = (seen: AssessmentSeen, assessment: ReplayedAssessment, of: AmendmentSeen): void => {
    seen.value = null;
    const version = seen.rulesetVersion;
    const first = of.first;
    if (of.pending === null && first !== null) {
      // A later assessment of an amendment already verified: the same inputs must give the same fields.
      if (first.version !== version) {
        const ruleset = rulesetOf(version);
        seen.verification =
          typeof ruleset === 'string'
            ? { status: 'unverifiable', reason: ruleset }
            : {
                status: 'different',
                differences: [{ field: 'rulesetVersion', recorded: version, recomputed: first.version }],
              };
        return;
      }
      // Contexts are compared as the report shows them, and only for a repeat: most amendments have one.
      const context = JSON.stringify(assessment.context);
      const firstContext = JSON.stringify(first.context);
      seen.verification =
        firstContext === context
          ? compareRecorded(assessment, first.decided)
          : {
              status: 'different',
              differences: [{ field: 'context', recorded: context, recomputed: firstContext }],
            };
      return;
    }
    if (of.pending === null) return;
    const ruleset = rulesetOf(version);
    const again =
      typeof ruleset === 'string' ? { unverifiable: ruleset } : recompute(ruleset, of.pending, assessment);
    if ('unverifiable' in again) {
      seen.verification = { status: 'unverifiable', reason: again.unverifiable };
      return;
    }
    seen.verification = compareRecorded(assessment, again);
    of.first = { version, context: assessment.context, decided: again };
    of.pending = null;
  };

  const declaredInWindow = (of: AmendmentSeen): boolean =>
    of.declaration !== null && inWindow(window, of.declaration.at.timestamp);
  const inScope = (of: AmendmentSeen, at: RecordLocation): boolean =>
    declaredInWindow(of) || inWindow(window, at.timestamp);

  return {
    /** Whether an assessment of some amendment of this declaration waits for it. */
    awaits: (declarationId: string): boolean => {
      if (waitingAmendments === 0) return false;
      for (let of = byDeclaration.get(declarationId); of !== undefined; of = of.next ?? undefined)
        if (of.waiting !== null) return true;
      return false;
    },
    addDeclaration: (record: Located<Declaration>, seq: number): void => {
      if (!ofPort(record.value.port)) return;
      const of = amendmentOf(record.value.declarationId, record.value.amendment);
      if (of.declaration !== null) return; // a resubmitted copy; the categoriser dead-letters it
      of.declaration = { at: record.at, seq };
      of.pending = record.value;
      const waiting = of.waiting;
      if (waiting !== null) {
        of.waiting = null;
        waitingAmendments--;
        for (const seen of waiting) if (seen.value) verify(seen, seen.value, of);
      }
    },
    addAssessment: (record: Located<ReplayedAssessment>, seq: number): void => {
      const a = record.value;
      if (!ofPort(a.port)) return;
      const of = amendmentOf(a.declarationId, a.amendment);
      of.assessments++;
      const seen: AssessmentSeen = {
        amendment: of,
        seq,
        assessmentId: a.assessmentId,
        rulesetVersion: versionOf(a.rulesetVersion),
        inspectionLevel: a.inspectionLevel,
        submittedAt: a.submittedAt,
        at: record.at,
        value: a,
        verification: undefined,
      };
      assessments.push(seen);
      if (of.declaration !== null) verify(seen, a, of);
      else if (of.waiting === null) {
        of.waiting = [seen];
        waitingAmendments++;
      } else of.waiting.push(seen);
    },

    summarise: (queries: JoinQueries): JoinSummary => {
      let declarations = 0;
      const unassessed: Arrived<Unassessed>[] = [];
      for (const latest of byDeclaration.values())
        for (let of: AmendmentSeen | null = latest; of !== null; of = of.next) {
          if (!declaredInWindow(of)) continue;
          declarations++;
          if (of.assessments === 0)
            unassessed.push({
              seq: of.declaration!.seq,
              item: { declarationId: of.declarationId, amendment: of.amendment, at: of.declaration!.at },
            });
        }

      const differences: Arrived<AssessmentDifference>[] = [];
      const unverifiable: Arrived<Unverifiable>[] = [];
      const withoutDeclaration: Arrived<Gap>[] = [];
      const byHour = new Map<number, Record<InspectionLevel, number>>();
      const versions = new Map<string, { assessments: number; firstSeq: number }>();
      const repeated = new Map<AmendmentSeen, Arrived<RecordLocation[]>>();
      let verified = 0;
      let assessmentsInScope = 0;
      for (const seen of assessments) {
        const of = seen.amendment;
        if (of.assessments > 1) {
          const records = repeated.get(of);
          if (records) records.item.push(seen.at);
          else repeated.set(of, { seq: seen.seq, item: [seen.at] });
        }
        if (!inScope(of, seen.at)) continue;
        assessmentsInScope++;
        const version = versions.get(seen.rulesetVersion);
        if (version) version.assessments++;
        else versions.set(seen.rulesetVersion, { assessments: 1, firstSeq: seen.seq });
        const hour = hourOf(seen.submittedAt);
        let counts = byHour.get(hour);
        if (!counts) byHour.set(hour, (counts = emptyLevelCounts()));
        counts[seen.inspectionLevel]++;
        const v = seen.verification;
        if (v === undefined)
          withoutDeclaration.push({
            seq: seen.seq,
            item: {
              kind: 'ASSESSMENT_WITHOUT_DECLARATION',
              declarationId: of.declarationId,
              amendment: of.amendment,
              detail: `assessment ${seen.assessmentId} has no declaration in the window`,
              at: seen.at,
            },
          });
        else if (v.status === 'verified') verified++;
        else if (v.status === 'different')
          differences.push({
            seq: seen.seq,
            item: {
              assessmentId: seen.assessmentId,
              declarationId: of.declarationId,
              amendment: of.amendment,
              rulesetVersion: seen.rulesetVersion,
              differences: v.differences,
              at: seen.at,
            },
          });
        else
          unverifiable.push({
            seq: seen.seq,
            item: {
              assessmentId: seen.assessmentId,
              rulesetVersion: seen.rulesetVersion,
              reason: v.reason,
              at: seen.at,
            },
          });
      }

      const duplicates: Arrived<Duplicate>[] = [];
      for (const [of, records] of repeated)
        if (inScope(of, records.item[0]!))
          duplicates.push({
            seq: records.seq,
            item: {
              kind: 'ASSESSMENT',
              declarationId: of.declarationId,
              amendment: of.amendment,
              records: records.item,
            },
          });

      const ids = queries.assessmentIds.length > 0 ? new Set(assessments.map((a) => a.assessmentId)) : null;
      return {
        declarations,
        assessments: assessmentsInScope,
        verified,
        differences,
        unverifiable,
        withoutDeclaration,
        unassessed,
        duplicates,
        levelsByHour: [...byHour.entries()],
        rulesetVersions: [...versions.entries()].map(([version, v]) => ({ version, ...v })),
        keyFlags: queries.keys.map((key) => {
          const split = key.lastIndexOf(':');
          const of = found(key.slice(0, split), Number(key.slice(split + 1)));
          if (of === undefined) return 0;
          return (declaredInWindow(of) ? DECLARED_IN_WINDOW : 0) | (of.assessments > 0 ? ASSESSED : 0);
        }),
        knownAssessmentIds: queries.assessmentIds.map((id) => ids?.has(id) ?? false),
      };
    },
  };
}

export type ReplayJoin = ReturnType<typeof createReplayJoin>;
