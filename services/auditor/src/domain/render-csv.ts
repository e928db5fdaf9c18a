// CSV for spreadsheets: one row per finding (replay) or per level shift and rule (backtest).
import type { BacktestReport } from './backtest.ts';
import type { ReplayReport } from './replay.ts';

const cell = (v: string | number | boolean | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const rows = (r: (string | number | boolean | null)[][]): string =>
  r.map((x) => x.map(cell).join(',')).join('\n') + '\n';

export function renderReplayCsv(r: ReplayReport): string {
  const out: (string | number | boolean | null)[][] = [
    [
      'finding',
      'declarationId',
      'amendment',
      'field',
      'recorded',
      'recomputed',
      'detail',
      'topic',
      'partition',
      'offset',
    ],
  ];
  for (const d of r.differences)
    for (const x of d.differences)
      out.push([
        'DIFFERENCE',
        d.declarationId,
        d.amendment,
        x.field,
        x.recorded,
        x.recomputed,
        d.rulesetVersion,
        d.at.topic,
        d.at.partition,
        d.at.offset,
      ]);
  for (const u of r.unverifiable)
    out.push([
      'UNVERIFIABLE',
      u.assessmentId,
      null,
      null,
      null,
      null,
      u.reason,
      u.at.topic,
      u.at.partition,
      u.at.offset,
    ]);
  for (const g of r.gaps)
    out.push([
      g.kind,
      g.declarationId,
      g.amendment,
      null,
      null,
      null,
      g.detail,
      g.at.topic,
      g.at.partition,
      g.at.offset,
    ]);
  for (const d of r.duplicates)
    for (const at of d.records)
      out.push([
        `DUPLICATE_${d.kind}`,
        d.declarationId,
        d.amendment,
        null,
        null,
        null,
        null,
        at.topic,
        at.partition,
        at.offset,
      ]);
  for (const c of r.corrupt)
    out.push(['CORRUPT', null, null, null, null, null, c.reason, c.topic, c.partition, c.offset]);
  return rows(out);
}

export function renderBacktestCsv(b: BacktestReport): string {
  const out: (string | number | boolean | null)[][] = [['section', 'key', 'from', 'to', 'value', 'extra']];
  for (const [from, row] of Object.entries(b.matrix))
    for (const [to, n] of Object.entries(row)) out.push(['matrix', null, from, to, n, null]);
  for (const r of b.rules) out.push(['rule', r.ruleId, r.recordedFires, r.candidateFires, r.hitRate, r.lift]);
  for (const l of b.load)
    out.push([
      'load',
      `${new Date(l.hour).toISOString()} ${l.port} ${l.level}`,
      l.recorded,
      l.candidate,
      l.capacityPerHour,
      null,
    ]);
  for (const s of b.shifts)
    out.push(['shift', `${s.declarationId}:${s.amendment}`, s.from, s.to, s.recordedScore, s.candidateScore]);
  return rows(out);
}
