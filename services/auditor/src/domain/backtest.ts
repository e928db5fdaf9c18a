// Backtest: re-decide recorded history with a candidate ruleset (each declaration with the context
// recorded on its assessment) and compare with what was decided. Hit rates come from the recorded
// inspection results; the random control share's compliance rate is the baseline.
import { assess, type CompiledRuleset } from '@clearway/categoriser';
import type { Declaration, InspectionLevel, InspectionResult, RiskAssessment } from '@clearway/schemas';
import {
  amendmentKey,
  emptyLevelCounts,
  hourOf,
  inWindow,
  levels,
  type Located,
  type TimeWindow,
} from './audit-records.ts';
import type { LaneThroughput } from './lane-capacity.ts';
import { iso, type LevelsAt } from './replay.ts';

export interface LevelShift {
  declarationId: string;
  amendment: number;
  from: InspectionLevel;
  to: InspectionLevel;
  recordedScore: number;
  candidateScore: number;
}

export interface HourlyLoad {
  hour: number;
  port: string;
  level: InspectionLevel;
  recorded: number;
  candidate: number;
  /** Trucks an hour the port's capable lanes can take; null without a ports file. */
  capacityPerHour: number | null;
}

export interface LaneLoad {
  hour: number;
  port: string;
  laneId: string;
  level: InspectionLevel;
  /** The level's demand spread over capable lanes by throughput. */
  expected: number;
  capacityPerHour: number;
  utilisation: number;
}

export interface RuleStats {
  ruleId: string;
  recordedFires: number;
  candidateFires: number;
  /** Declarations with a recorded inspection result on which the candidate fires this rule. */
  inspected: number;
  hits: number;
  hitRate: number | null;
  /** hitRate over the random control's hit rate. */
  lift: number | null;
}

export interface BacktestReport {
  kind: 'backtest';
  window: { from: string; to: string };
  port: string | null;
  noData: string | null;
  candidate: { version: string; name: string };
  recordedVersions: string[];
  declarations: number;
  changed: number;
  /** matrix[from][to]: declarations recorded at `from` that the candidate puts at `to`. */
  matrix: Record<InspectionLevel, Record<InspectionLevel, number>>;
  shifts: LevelShift[];
  shiftsTruncated: number;
  load: HourlyLoad[];
  laneLoad: LaneLoad[];
  rules: RuleStats[];
  baseline: {
    sampledInspected: number;
    compliant: number;
    complianceRate: number | null;
    hitRate: number | null;
  };
  levelsByHour: { recorded: LevelsAt[]; candidate: LevelsAt[] };
  skipped: { withoutContext: number; withoutDeclaration: number };
}

const isHit = (r: InspectionResult): boolean => r.outcome === 'DISCREPANCY' || r.outcome === 'SEIZURE';

export function createBacktest(options: {
  candidate: CompiledRuleset;
  window: TimeWindow;
  port?: string;
  lanes?: LaneThroughput[];
  maxShifts?: number;
}) {
  const { candidate, window, port } = options;
  const maxShifts = options.maxShifts ?? 1_000;
  const declarations = new Map<string, Located<Declaration>>();
  const assessments = new Map<string, RiskAssessment>(); // the latest per amendment
  const results = new Map<string, InspectionResult>(); // the latest per amendment
  const ofPort = (p: string) => port === undefined || p === port;

  return {
    addDeclaration: (r: Located<Declaration>): void => {
      if (!ofPort(r.value.port) || !inWindow(window, r.at.timestamp)) return;
      const key = amendmentKey(r.value.declarationId, r.value.amendment);
      if (!declarations.has(key)) declarations.set(key, r);
    },
    addAssessment: (r: Located<RiskAssessment>): void => {
      if (ofPort(r.value.port))
        assessments.set(amendmentKey(r.value.declarationId, r.value.amendment), r.value);
    },
    addResult: (r: Located<InspectionResult>): void => {
      if (ofPort(r.value.port)) results.set(amendmentKey(r.value.declarationId, r.value.amendment), r.value);
    },

    finish: (): BacktestReport => {
      const matrix = Object.fromEntries(
        levels.map((l) => [l, emptyLevelCounts()]),
      ) as BacktestReport['matrix'];
      const shifts: LevelShift[] = [];
      const rules = new Map<string, RuleStats>();
      const rule = (ruleId: string): RuleStats => {
        let s = rules.get(ruleId);
        if (!s) {
          s = {
            ruleId,
            recordedFires: 0,
            candidateFires: 0,
            inspected: 0,
            hits: 0,
            hitRate: null,
            lift: null,
          };
          rules.set(ruleId, s);
        }
        return s;
      };
      for (const r of [...candidate.freightClasses, ...candidate.mandatoryControls, ...candidate.indicators])
        rule(r.id);
      const load = new Map<string, HourlyLoad>();
      const recordedByHour = new Map<number, Record<InspectionLevel, number>>();
      const candidateByHour = new Map<number, Record<InspectionLevel, number>>();
      const versions = new Set<string>();
      const baseline = { sampledInspected: 0, compliant: 0 };
      let compared = 0;
      let changed = 0;
      let shiftsTruncated = 0;
      let withoutContext = 0;
      let withoutDeclaration = 0;

      for (const [key, recorded] of assessments) {
        const d = declarations.get(key);
        if (!d) {
          withoutDeclaration++;
          continue;
        }
        if (recorded.context === null) {
          withoutContext++;
          continue;
        }
        const next = assess(candidate, d.value, recorded.context);
        compared++;
        versions.add(recorded.rulesetVersion);
        matrix[recorded.inspectionLevel][next.inspectionLevel]++;
        if (recorded.inspectionLevel !== next.inspectionLevel) {
          changed++;
          if (shifts.length < maxShifts)
            shifts.push({
              declarationId: recorded.declarationId,
              amendment: recorded.amendment,
              from: recorded.inspectionLevel,
              to: next.inspectionLevel,
              recordedScore: recorded.score,
              candidateScore: next.score,
            });
          else shiftsTruncated++;
        }
        const hour = hourOf(d.value.submittedAt);
        bump(recordedByHour, hour, recorded.inspectionLevel);
        bump(candidateByHour, hour, next.inspectionLevel);
        for (const [level, side] of [
          [recorded.inspectionLevel, 'recorded'],
          [next.inspectionLevel, 'candidate'],
        ] as const) {
          if (level === 'RELEASE') continue;
          const k = `${hour}|${d.value.port}|${level}`;
          const entry = load.get(k) ?? {
            hour,
            port: d.value.port,
            level,
            recorded: 0,
            candidate: 0,
            capacityPerHour: null,
          };
          entry[side]++;
          load.set(k, entry);
        }
        for (const f of recorded.firedRules) rule(f.ruleId).recordedFires++;
        const result = results.get(key);
        for (const f of next.firedRules) {
          const s = rule(f.ruleId);
          s.candidateFires++;
          if (result) {
            s.inspected++;
            if (isHit(result)) s.hits++;
          }
        }
        if (result && recorded.sampled) {
          baseline.sampledInspected++;
          if (result.outcome === 'NO_FINDINGS') baseline.compliant++;
        }
      }

      const complianceRate =
        baseline.sampledInspected === 0 ? null : baseline.compliant / baseline.sampledInspected;
      const baselineHitRate = complianceRate === null ? null : 1 - complianceRate;
      for (const s of rules.values()) {
        s.hitRate = s.inspected === 0 ? null : s.hits / s.inspected;
        s.lift = s.hitRate === null || !baselineHitRate ? null : s.hitRate / baselineHitRate;
      }

      const lanes = options.lanes;
      const laneLoad: LaneLoad[] = [];
      const loads = [...load.values()].sort((a, b) => a.hour - b.hour || a.port.localeCompare(b.port));
      if (lanes !== undefined)
        for (const entry of loads) {
          const capable = lanes.filter((l) => l.port === entry.port && l.level === entry.level);
          const total = capable.reduce((sum, l) => sum + l.perHour, 0);
          entry.capacityPerHour = total;
          for (const l of capable) {
            const expected = total === 0 ? 0 : (entry.candidate * l.perHour) / total;
            laneLoad.push({
              hour: entry.hour,
              port: entry.port,
              laneId: l.laneId,
              level: entry.level,
              expected,
              capacityPerHour: l.perHour,
              utilisation: expected / l.perHour,
            });
          }
        }
      const byHour = (m: Map<number, Record<InspectionLevel, number>>): LevelsAt[] =>
        [...m.entries()].sort(([a], [b]) => a - b).map(([hour, counts]) => ({ hour, counts }));

      return {
        kind: 'backtest',
        window: { from: iso(window.from), to: iso(window.to) },
        port: port ?? null,
        noData:
          compared === 0
            ? `no assessed declarations between ${iso(window.from)} and ${iso(window.to)}${port ? ` at ${port}` : ''}`
            : null,
        candidate: { version: candidate.version, name: candidate.name },
        recordedVersions: [...versions],
        declarations: compared,
        changed,
        matrix,
        shifts,
        shiftsTruncated,
        load: loads,
        laneLoad,
        rules: [...rules.values()],
        baseline: { ...baseline, complianceRate, hitRate: baselineHitRate },
        levelsByHour: { recorded: byHour(recordedByHour), candidate: byHour(candidateByHour) },
        skipped: { withoutContext, withoutDeclaration },
      };
    },
  };
}

export type Backtest = ReturnType<typeof createBacktest>;

function bump(m: Map<number, Record<InspectionLevel, number>>, hour: number, level: InspectionLevel): void {
  const counts = m.get(hour) ?? emptyLevelCounts();
  counts[level]++;
  m.set(hour, counts);
}
