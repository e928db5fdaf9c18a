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
import { decidingOnly } from './deciding-ruleset.ts';
import { hashOfId } from './shard-of.ts';
import type { AssessmentDifference, Duplicate, Gap, RulesetLookup, Unverifiable } from './replay.ts';
import {
  compareDecided,
  compareRecorded,
  decidedFields,
  decisionOf,
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
// memory does not grow with the window. Kept for every amendment until the report, so flat: where
// records were read is kept as fields, not as the location objects they arrived with (nor in wrappers
// of their own), and a decision as its strings (see verify). Each object kept is one more for every
// collection of a heap that grows with the window to trace; with the strings a decision keeps (its
// routing text no longer a tree of pieces) this went from about 740 to 610 bytes per amendment.
interface AmendmentSeen {
  declarationId: string;
  amendment: number;
  /** Another amendment of the same declaration, or of another whose id has the same `slotOf`. */
  next: AmendmentSeen | null;
  /** Arrival number of the declaration (its first copy); -1 until it is read. */
  declaredSeq: number;
  declaredTopic: string;
  declaredPartition: number;
  declaredOffset: string;
  declaredTimestamp: number;
  pending: Declaration | null;
  /** The first re-run of the amendment (null before it): the version and context it was made on. */
  firstVersion: string | null;
  firstContext: RiskAssessment['context'];
  firstDecided: Decided | null;
  waiting: AssessmentSeen[] | null;
  assessments: number;
}

// The assessment itself is kept only while it waits for its declaration.
interface AssessmentSeen {
  amendment: AmendmentSeen;
  seq: number;
  assessmentId: string;
  rulesetVersion: string;
  inspectionLevel: InspectionLevel;
  submittedAt: number;
  topic: string;
  partition: number;
  offset: string;
  timestamp: number;
  value: ReplayedAssessment | null;
  verification: Verification | undefined;
}

const declaredAt = (of: AmendmentSeen): RecordLocation => ({
  topic: of.declaredTopic,
  partition: of.declaredPartition,
  offset: of.declaredOffset,
  timestamp: of.declaredTimestamp,
});

/**
 * Where the join files a declaration id: its hash cut to 30 bits, which V8 keeps as a small integer
 * (a 32-bit one would be a heap number). Ids that share one are told apart along the chain.
 */
export const slotOf = (declarationId: string): number => hashOfId(declarationId) & 0x3fffffff;

const readAt = (seen: AssessmentSeen): RecordLocation => ({
  topic: seen.topic,
  partition: seen.partition,
  offset: seen.offset,
  timestamp: seen.timestamp,
});

export function createReplayJoin(options: { window: TimeWindow; port?: string; rulesets: RulesetLookup }) {
  const { window, port, rulesets } = options;
  const assessments: AssessmentSeen[] = [];
  // Each version as replay decides with it (see deciding-ruleset.ts), or why it cannot be had.
  const compiled = new Map<string, CompiledRuleset | string>();
  const rulesetOf = (version: string): CompiledRuleset | string => {
    let found = compiled.get(version);
    if (found === undefined) {
      const looked = rulesets(version);
      found = 'ruleset' in looked ? decidingOnly(looked.ruleset) : looked.missing;
      compiled.set(version, found);
    }
    return found;
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
  // By a small-integer hash of the declaration id, then id and amendment along the chain: no key
  // string to build for every record, and a map keyed by small integers is looked up without
  // hashing or reading a string (the id of each decoded record is a new string, hashed in a call
  // out of JavaScript the first time a map sees it, and compared by reading the entry's key); this
  // map holds every amendment of the window, whose entries are rarely in the cache.
  const byDeclaration = new Map<number, AmendmentSeen>();
  // Amendments with assessments waiting for their declaration: while there are none, `awaits` needs
  // no lookup.
  let waitingAmendments = 0;
  // The amendment last looked up: an assessment usually follows its declaration straight away (the
  // feeder holds declarations until then), and comparing the id is cheaper than a lookup in a map of
  // every declaration in the window, whose entries are rarely in the cache.
  let last: AmendmentSeen | null = null;
  // The amendment in a chain, latest first.
  const inChain = (
    latest: AmendmentSeen | undefined,
    declarationId: string,
    amendment: number,
  ): AmendmentSeen | undefined => {
    let seen = latest;
    while (seen !== undefined && (seen.amendment !== amendment || seen.declarationId !== declarationId))
      seen = seen.next ?? undefined;
    return seen;
  };
  const found = (declarationId: string, amendment: number): AmendmentSeen | undefined =>
    inChain(byDeclaration.get(slotOf(declarationId)), declarationId, amendment);
  const amendmentOf = (declarationId: string, amendment: number): AmendmentSeen => {
    if (last !== null && last.amendment === amendment && last.declarationId === declarationId) return last;
    // One lookup of the chain for both the search and a new amendment's link.
    const slot = slotOf(declarationId);
    const latest = byDeclaration.get(slot);
    const existing = inChain(latest, declarationId, amendment);
    if (existing !== undefined) return (last = existing);
    const seen: AmendmentSeen = {
      declarationId,
      amendment,
      next: latest ?? null,
      declaredSeq: -1,
      declaredTopic: '',
      declaredPartition: 0,
      declaredOffset: '',
      declaredTimestamp: 0,
      pending: null,
      firstVersion: null,
      firstContext: null,
      firstDecided: null,
      waiting: null,
      assessments: 0,
    };
    byDeclaration.set(slot, seen);
    return (last = seen);
  };

  const verify = (seen: AssessmentSeen, assessment: ReplayedAssessment, of: AmendmentSeen): void => {
    seen.value = null;
    const version = seen.rulesetVersion;
    const firstVersion = of.firstVersion;
    if (of.pending === null && firstVersion !== null) {
      // A later assessment of an amendment already verified: the same inputs must give the same fields.
      if (firstVersion !== version) {
        const ruleset = rulesetOf(version);
        seen.verification =
          typeof ruleset === 'string'
            ? { status: 'unverifiable', reason: ruleset }
            : {
                status: 'different',
                differences: [{ field: 'rulesetVersion', recorded: version, recomputed: firstVersion }],
              };
        return;
      }
      // Contexts are compared as the report shows them, and only for a repeat: most amendments have one.
      const context = JSON.stringify(assessment.context);
      const firstContext = JSON.stringify(of.firstContext);
      seen.verification =
        firstContext === context
          ? compareDecided(decidedFields(decisionOf(assessment, assessment.routing)), of.firstDecided!)
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
    of.firstVersion = version;
    of.firstContext = assessment.context;
    of.firstDecided = decidedFields(again);
    of.pending = null;
  };

  const declaredInWindow = (of: AmendmentSeen): boolean =>
    of.declaredSeq >= 0 && inWindow(window, of.declaredTimestamp);
  const inScope = (of: AmendmentSeen, timestamp: number): boolean =>
    declaredInWindow(of) || inWindow(window, timestamp);

  return {
    /** Whether an assessment of some amendment of this declaration waits for it. */
    awaits: (declarationId: string): boolean => {
      if (waitingAmendments === 0) return false;
      for (let of = byDeclaration.get(slotOf(declarationId)); of !== undefined; of = of.next ?? undefined)
        if (of.waiting !== null && of.declarationId === declarationId) return true;
      return false;
    },
    addDeclaration: (record: Located<Declaration>, seq: number): void => {
      if (!ofPort(record.value.port)) return;
      const of = amendmentOf(record.value.declarationId, record.value.amendment);
      if (of.declaredSeq >= 0) return; // a resubmitted copy; the categoriser dead-letters it
      const at = record.at;
      of.declaredSeq = seq;
      of.declaredTopic = at.topic;
      of.declaredPartition = at.partition;
      of.declaredOffset = at.offset;
      of.declaredTimestamp = at.timestamp;
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
      const at = record.at;
      const seen: AssessmentSeen = {
        amendment: of,
        seq,
        assessmentId: a.assessmentId,
        rulesetVersion: versionOf(a.rulesetVersion),
        inspectionLevel: a.inspectionLevel,
        submittedAt: a.submittedAt,
        topic: at.topic,
        partition: at.partition,
        offset: at.offset,
        timestamp: at.timestamp,
        value: a,
        verification: undefined,
      };
      assessments.push(seen);
      if (of.declaredSeq >= 0) verify(seen, a, of);
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
              seq: of.declaredSeq,
              item: { declarationId: of.declarationId, amendment: of.amendment, at: declaredAt(of) },
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
          if (records) records.item.push(readAt(seen));
          else repeated.set(of, { seq: seen.seq, item: [readAt(seen)] });
        }
        if (!inScope(of, seen.timestamp)) continue;
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
              at: readAt(seen),
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
              at: readAt(seen),
            },
          });
        else
          unverifiable.push({
            seq: seen.seq,
            item: {
              assessmentId: seen.assessmentId,
              rulesetVersion: seen.rulesetVersion,
              reason: v.reason,
              at: readAt(seen),
            },
          });
      }

      const duplicates: Arrived<Duplicate>[] = [];
      for (const [of, records] of repeated)
        if (inScope(of, records.item[0]!.timestamp))
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
