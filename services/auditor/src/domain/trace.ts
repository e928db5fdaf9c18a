// Everything that happened to one declaration, in time order, with the time each step took.
import type {
  ClearanceOutcome,
  Declaration,
  InspectionResult,
  LaneAssignment,
  RiskAssessment,
} from '@clearway/schemas';
import type { Located, RecordLocation } from './audit-records.ts';
import { iso } from './replay.ts';

export interface TraceStep {
  /** When the step happened by its own clock (submittedAt, assessedAt, assignedAt, completedAt, decidedAt). */
  at: string;
  atMs: number;
  /** Milliseconds since the previous step; null for the first. */
  tookMs: number | null;
  amendment: number;
  kind: 'DECLARED' | 'ASSESSED' | 'ASSIGNED' | 'REASSIGNED' | 'CANCELLED' | 'INSPECTED' | 'OUTCOME';
  summary: string;
  details: string[];
  record: RecordLocation;
}

export interface TraceReport {
  kind: 'trace';
  declarationId: string;
  found: boolean;
  steps: TraceStep[];
  /** From the first submission to the last final outcome, when there is one. */
  totalMs: number | null;
}

export interface TraceInput {
  declarations: Located<Declaration>[];
  assessments: Located<RiskAssessment>[];
  assignments: Located<LaneAssignment>[];
  results: Located<InspectionResult>[];
  outcomes: Located<ClearanceOutcome>[];
}

export function buildTrace(declarationId: string, input: TraceInput): TraceReport {
  const steps: Omit<TraceStep, 'tookMs' | 'at'>[] = [];
  for (const { value: d, at } of input.declarations)
    steps.push({
      atMs: d.submittedAt,
      amendment: d.amendment,
      kind: 'DECLARED',
      summary: `${d.amendment === 0 ? 'submitted' : `amendment ${d.amendment}`} at ${d.port}: ${d.goods.length} line(s), ${d.direction} ${d.transportMode}, ${d.vehicle.tractorPlate}`,
      details: d.goods.map((g) => `line ${g.lineNo}: ${g.hsCode} ${g.description} (${g.originCountry})`),
      record: at,
    });
  for (const { value: a, at } of input.assessments)
    steps.push({
      atMs: a.assessedAt,
      amendment: a.amendment,
      kind: 'ASSESSED',
      summary: `${a.inspectionLevel} (${a.freightClass}), score ${a.score}${a.sampled ? ', random control' : ''}; ruleset ${a.rulesetVersion}`,
      details: [
        a.decision.summary,
        ...a.firedRules.map(
          (r) => `${r.ruleId} (${r.kind}${r.weight ? ` ${r.weight}` : ''}): ${r.reason}; saw ${r.observed}`,
        ),
      ],
      record: at,
    });
  for (const { value: a, at } of input.assignments)
    steps.push({
      atMs: a.assignedAt,
      amendment: a.amendment,
      kind: a.kind,
      summary:
        a.kind === 'CANCELLED'
          ? `place on ${a.laneId} cancelled`
          : `${a.inspectionLevel} on lane ${a.laneId}${a.previousLaneId ? ` (from ${a.previousLaneId})` : ''}, queue position ${a.queuePosition}, expected start ${iso(a.expectedStartAt)}`,
      details: [a.reason],
      record: at,
    });
  for (const { value: r, at } of input.results)
    steps.push({
      atMs: r.completedAt,
      amendment: r.amendment,
      kind: 'INSPECTED',
      summary: `${r.outcome} on ${r.laneId} (inspection took ${formatDuration(r.completedAt - r.startedAt)})`,
      details: r.findings.map(
        (f) => `${f.code}${f.lineNo === null ? '' : ` line ${f.lineNo}`}: ${f.description}`,
      ),
      record: at,
    });
  for (const { value: o, at } of input.outcomes)
    steps.push({
      atMs: o.decidedAt,
      amendment: o.amendment,
      kind: 'OUTCOME',
      summary: `${o.decision}${o.final ? '' : ' (interim)'}${o.laneId ? ` at ${o.laneId}` : ''}`,
      details: [o.reason],
      record: at,
    });
  steps.sort((a, b) => a.atMs - b.atMs || a.amendment - b.amendment);
  const timed = steps.map((s, i) => ({
    ...s,
    at: iso(s.atMs),
    tookMs: i === 0 ? null : s.atMs - steps[i - 1]!.atMs,
  }));
  const first = steps[0];
  const lastFinal = input.outcomes.filter((o) => o.value.final).map((o) => o.value.decidedAt);
  return {
    kind: 'trace',
    declarationId,
    found: steps.length > 0,
    steps: timed,
    totalMs: first && lastFinal.length > 0 ? Math.max(...lastFinal) - first.atMs : null,
  };
}

export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}
