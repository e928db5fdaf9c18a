// The terminal summary of each report: short, and every finding with where it is in the log.
import { levels, where } from './audit-records.ts';
import type { BacktestReport } from './backtest.ts';
import type { ReplayReport } from './replay.ts';
import { formatDuration, type TraceReport } from './trace.ts';

const pct = (x: number | null): string => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);

export function renderReplayText(r: ReplayReport, limit = 50): string {
  const out: string[] = [];
  out.push(`Replay ${r.window.from} → ${r.window.to}${r.port ? ` at ${r.port}` : ''}`);
  if (r.noData) out.push(`  ${r.noData}`);
  const c = r.counts;
  out.push(
    `  declarations ${c.declarations}, assessments ${c.assessments}: verified ${c.verified}, differences ${c.different}, unverifiable ${c.unverifiable}`,
    `  assignments ${c.assignments}, inspection results ${c.results}, outcomes ${c.outcomes}, dead-lettered ${c.deadLettered}`,
    `  gaps ${c.gaps}, duplicates ${r.duplicates.length}, corrupt records ${c.corrupt}`,
  );
  for (const v of r.rulesetVersions) out.push(`  ruleset ${v.version}: ${v.assessments} assessments`);
  for (const note of r.incompleteReads) out.push(`  incomplete read: ${note}`);
  const section = <T>(title: string, items: T[], line: (item: T) => string) => {
    if (items.length === 0) return;
    out.push('', `${title} (${items.length}):`);
    for (const item of items.slice(0, limit)) out.push(`  ${line(item)}`);
    if (items.length > limit) out.push(`  … ${items.length - limit} more (see --json / --csv)`);
  };
  section('Differences', r.differences, (d) =>
    [
      `${d.assessmentId} at ${where(d.at)}:`,
      ...d.differences.map((x) => `${x.field} recorded ${x.recorded}, recomputed ${x.recomputed}`),
    ].join('\n    '),
  );
  section('Unverifiable', r.unverifiable, (u) => `${u.assessmentId} at ${where(u.at)}: ${u.reason}`);
  section(
    'Gaps',
    r.gaps,
    (g) => `${g.kind} ${g.declarationId}:${g.amendment} at ${where(g.at)}: ${g.detail}`,
  );
  section(
    'Duplicates',
    r.duplicates,
    (d) =>
      `${d.kind} ${d.declarationId}:${d.amendment} recorded ${d.records.length} times: ${d.records.map(where).join(', ')}`,
  );
  section('Corrupt records', r.corrupt, (x) => `${where(x)}: ${x.reason}`);
  out.push(
    '',
    r.differences.length === 0 && r.gaps.length === 0 && r.corrupt.length === 0 && r.unverifiable.length === 0
      ? 'Result: zero differences, no gaps.'
      : `Result: ${r.differences.length} difference(s), ${r.gaps.length} gap(s), ${r.unverifiable.length} unverifiable, ${r.corrupt.length} corrupt.`,
  );
  return out.join('\n');
}

export function renderTraceText(t: TraceReport): string {
  if (!t.found) return `No records of declaration ${t.declarationId}.`;
  const out = [`Declaration ${t.declarationId}`];
  for (const s of t.steps) {
    out.push(
      `${s.at}  ${s.tookMs === null ? '' : `+${formatDuration(s.tookMs)}`.padEnd(14)}${s.kind.padEnd(11)} #${s.amendment} ${s.summary}`,
    );
    for (const d of s.details) out.push(`${' '.repeat(40)}${d}`);
  }
  if (t.totalMs !== null) out.push(`Total from submission to final outcome: ${formatDuration(t.totalMs)}`);
  return out.join('\n');
}

export function renderBacktestText(b: BacktestReport, limit = 20): string {
  const out = [
    `Backtest of ${b.candidate.name} ${b.candidate.version}`,
    `  over ${b.window.from} → ${b.window.to}${b.port ? ` at ${b.port}` : ''}, recorded by ${b.recordedVersions.join(', ') || '—'}`,
  ];
  if (b.noData) out.push(`  ${b.noData}`);
  out.push(
    `  ${b.declarations} declarations re-decided, ${b.changed} change level`,
    '',
    'Level changes (recorded → candidate):',
  );
  out.push(`  ${'recorded'.padEnd(12)}${levels.map((l) => l.padStart(12)).join('')}`);
  for (const from of levels)
    out.push(`  ${from.padEnd(12)}${levels.map((to) => String(b.matrix[from][to]).padStart(12)).join('')}`);
  const peak = [...b.load].sort((x, y) => y.candidate - x.candidate).slice(0, 5);
  if (peak.length > 0) {
    out.push('', 'Busiest hours (candidate inspections):');
    for (const l of peak)
      out.push(
        `  ${new Date(l.hour).toISOString().slice(0, 13)}h ${l.port} ${l.level}: ${l.recorded} → ${l.candidate}${l.capacityPerHour === null ? '' : ` (capacity ${l.capacityPerHour.toFixed(0)}/h)`}`,
      );
  }
  const over = b.laneLoad.filter((l) => l.utilisation > 1);
  if (over.length > 0) out.push(`  ${over.length} lane-hours over capacity`);
  out.push(
    '',
    `Random control baseline: ${b.baseline.sampledInspected} inspected, compliance ${pct(b.baseline.complianceRate)}`,
  );
  out.push('Rules (recorded fires → candidate fires, hit rate, lift):');
  for (const r of b.rules.slice(0, limit * 2))
    out.push(
      `  ${r.ruleId.padEnd(28)}${String(r.recordedFires).padStart(8)} →${String(r.candidateFires).padStart(8)}  ${pct(r.hitRate).padStart(8)}  ${r.lift === null ? '—' : r.lift.toFixed(2)}`,
    );
  if (b.shifts.length > 0) {
    out.push('', `Shifts (first ${Math.min(limit, b.shifts.length)} of ${b.changed}):`);
    for (const s of b.shifts.slice(0, limit))
      out.push(
        `  ${s.declarationId}:${s.amendment} ${s.from} → ${s.to} (score ${s.recordedScore} → ${s.candidateScore})`,
      );
  }
  return out.join('\n');
}
