// A self-contained HTML report: inline CSS and SVG charts, no scripts, fonts or network, so it
// opens from a file in any browser and can be archived with the audit.
import type { InspectionLevel } from '@clearway/schemas';
import { levels, where } from './audit-records.ts';
import type { BacktestReport, RuleStats } from './backtest.ts';
import type { LevelsAt, ReplayReport } from './replay.ts';

const colours: Record<InspectionLevel, string> = {
  RELEASE: '#4caf50',
  DOCUMENTARY: '#2196f3',
  SCAN: '#ff9800',
  PHYSICAL: '#e53935',
};

export const escapeHtml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const HOUR = 3_600_000;

/** Hours merged into buckets of whole hours so that at most `maxBars` bars are drawn. */
export function rebucket(series: LevelsAt[], maxBars = 120): { bucketHours: number; series: LevelsAt[] } {
  const first = series[0];
  const last = series[series.length - 1];
  if (!first || !last) return { bucketHours: 1, series };
  const bucketHours = Math.max(1, Math.ceil((last.hour - first.hour + HOUR) / HOUR / maxBars));
  const buckets = new Map<number, LevelsAt>();
  for (const s of series) {
    const start = first.hour + Math.floor((s.hour - first.hour) / (bucketHours * HOUR)) * bucketHours * HOUR;
    const b = buckets.get(start) ?? {
      hour: start,
      counts: { RELEASE: 0, DOCUMENTARY: 0, SCAN: 0, PHYSICAL: 0 },
    };
    for (const l of levels) b.counts[l] += s.counts[l];
    buckets.set(start, b);
  }
  // Empty buckets stay in the chart, so the time axis is linear.
  const out: LevelsAt[] = [];
  for (let h = first.hour; h <= last.hour; h += bucketHours * HOUR)
    out.push(buckets.get(h) ?? { hour: h, counts: { RELEASE: 0, DOCUMENTARY: 0, SCAN: 0, PHYSICAL: 0 } });
  return { bucketHours, series: out };
}

/** Stacked bars of assessments per time bucket and level (hours, merged when the window is long). */
export function levelsOverTimeSvg(hourly: LevelsAt[], title: string): string {
  const { bucketHours, series } = rebucket(hourly);
  const width = 900;
  const height = 260;
  const left = 50;
  const bottom = 40;
  const plotW = width - left - 10;
  const plotH = height - bottom - 30;
  const max = Math.max(1, ...series.map((s) => levels.reduce((n, l) => n + s.counts[l], 0)));
  const barW = series.length === 0 ? 0 : Math.max(1, plotW / series.length - 2);
  const bars = series.map((s, i) => {
    const x = left + (i * plotW) / series.length;
    let y = 30 + plotH;
    return levels
      .map((l) => {
        const h = (s.counts[l] / max) * plotH;
        y -= h;
        return h <= 0
          ? ''
          : `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${colours[l]}"><title>${new Date(s.hour).toISOString().slice(0, 13)}h ${l}: ${s.counts[l]}</title></rect>`;
      })
      .join('');
  });
  const first = series[0];
  const last = series[series.length - 1];
  const axis = [
    `<line x1="${left}" y1="${30 + plotH}" x2="${width - 10}" y2="${30 + plotH}" stroke="#333"/>`,
    `<text x="${left - 6}" y="36" text-anchor="end" font-size="11">${max}</text>`,
    `<text x="${left - 6}" y="${30 + plotH}" text-anchor="end" font-size="11">0</text>`,
    first
      ? `<text x="${left}" y="${height - 18}" font-size="11">${new Date(first.hour).toISOString().slice(0, 13)}h</text>`
      : '',
    last && last !== first
      ? `<text x="${width - 10}" y="${height - 18}" text-anchor="end" font-size="11">${new Date(last.hour).toISOString().slice(0, 13)}h</text>`
      : '',
  ];
  const unit =
    bucketHours === 1
      ? 'per hour'
      : bucketHours % 24 === 0
        ? `per ${bucketHours / 24} day(s)`
        : `per ${bucketHours} hours`;
  const legend =
    `<text x="${width - 10}" y="16" text-anchor="end" font-size="11">${unit}</text>` +
    levels
      .map(
        (l, i) =>
          `<rect x="${left + i * 130}" y="6" width="12" height="12" fill="${colours[l]}"/><text x="${left + i * 130 + 16}" y="16" font-size="12">${l}</text>`,
      )
      .join('');
  return `<svg class="chart" data-chart="levels-over-time" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">${legend}${bars.join('')}${axis.join('')}</svg>`;
}

/** Recorded level (rows) against candidate level (columns), shaded by count. */
export function levelMatrixSvg(matrix: BacktestReport['matrix']): string {
  const cell = 110;
  const left = 120;
  const top = 40;
  const max = Math.max(1, ...levels.flatMap((f) => levels.map((t) => matrix[f][t])));
  const cells = levels.flatMap((from, r) =>
    levels.map((to, c) => {
      const n = matrix[from][to];
      const shade = n === 0 ? 0 : 0.15 + 0.85 * (n / max);
      const fill =
        from === to ? `rgba(76,175,80,${shade.toFixed(2)})` : `rgba(229,57,53,${shade.toFixed(2)})`;
      const x = left + c * cell;
      const y = top + r * 40;
      return `<rect x="${x}" y="${y}" width="${cell - 2}" height="38" fill="${fill}" stroke="#ccc"/><text x="${x + cell / 2}" y="${y + 24}" text-anchor="middle" font-size="13">${n}</text>`;
    }),
  );
  const heads = levels
    .map(
      (l, i) =>
        `<text x="${left + i * cell + cell / 2}" y="${top - 8}" text-anchor="middle" font-size="11">${l}</text>`,
    )
    .join('');
  const rows = levels
    .map(
      (l, i) => `<text x="${left - 8}" y="${top + i * 40 + 24}" text-anchor="end" font-size="11">${l}</text>`,
    )
    .join('');
  const w = left + 4 * cell + 10;
  const h = top + 4 * 40 + 10;
  return `<svg class="chart" data-chart="level-matrix" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="level-change matrix"><text x="${left}" y="14" font-size="11">candidate level →  (rows: recorded level)</text>${heads}${rows}${cells.join('')}</svg>`;
}

/** Hit rate per rule from recorded inspection results, with the random control's as a line. */
export function hitRateSvg(rules: RuleStats[], baseline: number | null): string {
  const shown = rules.filter((r) => r.hitRate !== null);
  const rowH = 22;
  const left = 220;
  const plotW = 560;
  const h = 30 + Math.max(1, shown.length) * rowH + 20;
  const bars = shown.map((r, i) => {
    const y = 24 + i * rowH;
    const w = (r.hitRate ?? 0) * plotW;
    return `<text x="${left - 8}" y="${y + 14}" text-anchor="end" font-size="11">${escapeHtml(r.ruleId)}</text><rect x="${left}" y="${y + 2}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#5c6bc0"><title>${escapeHtml(r.ruleId)}: ${r.hits}/${r.inspected}</title></rect><text x="${left + w + 4}" y="${y + 14}" font-size="11">${((r.hitRate ?? 0) * 100).toFixed(1)} % (${r.hits}/${r.inspected})</text>`;
  });
  const line =
    baseline === null
      ? ''
      : `<line x1="${left + baseline * plotW}" y1="20" x2="${left + baseline * plotW}" y2="${h - 10}" stroke="#e53935" stroke-dasharray="4 3"/><text x="${left + baseline * plotW + 4}" y="14" font-size="11" fill="#e53935">random control ${(baseline * 100).toFixed(1)} %</text>`;
  const empty =
    shown.length === 0
      ? `<text x="${left}" y="40" font-size="12">no inspection results in the window</text>`
      : '';
  return `<svg class="chart" data-chart="hit-rate" xmlns="http://www.w3.org/2000/svg" width="${left + plotW + 160}" height="${h}" viewBox="0 0 ${left + plotW + 160} ${h}" role="img" aria-label="hit rate per rule">${bars.join('')}${line}${empty}</svg>`;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f4f4f4}.ok{color:#2e7d32;font-weight:bold}.bad{color:#c62828;font-weight:bold}
.kpi{display:inline-block;margin:0 18px 8px 0;padding:8px 12px;background:#f7f7f9;border-radius:6px}
.kpi b{display:block;font-size:20px}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

const table = (head: string[], rows: (string | number)[][], limit = 500): string =>
  `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows
    .slice(0, limit)
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
    .join(
      '',
    )}</table>${rows.length > limit ? `<p>… ${rows.length - limit} more in the JSON report</p>` : ''}`;

const kpi = (label: string, value: string | number): string =>
  `<span class="kpi">${escapeHtml(label)}<b>${escapeHtml(String(value))}</b></span>`;

export function renderReplayHtml(r: ReplayReport): string {
  const clean = r.differences.length === 0 && r.gaps.length === 0 && r.corrupt.length === 0;
  const c = r.counts;
  const body = [
    `<p>${escapeHtml(r.window.from)} → ${escapeHtml(r.window.to)}${r.port ? ` at ${escapeHtml(r.port)}` : ''}</p>`,
    r.noData ? `<p class="bad">${escapeHtml(r.noData)}</p>` : '',
    `<p class="${clean ? 'ok' : 'bad'}">${clean ? 'Zero differences, no gaps.' : `${r.differences.length} difference(s), ${r.gaps.length} gap(s), ${r.corrupt.length} corrupt record(s)`}</p>`,
    kpi('declarations', c.declarations),
    kpi('assessments', c.assessments),
    kpi('verified', c.verified),
    kpi('differences', c.different),
    kpi('unverifiable', c.unverifiable),
    kpi('gaps', c.gaps),
    kpi('outcomes', c.outcomes),
    '<h2>Inspection levels over time</h2>',
    levelsOverTimeSvg(r.levelsByHour, 'assessments per hour by level'),
    '<h2>Differences</h2>',
    table(
      ['assessment', 'field', 'recorded', 'recomputed', 'record'],
      r.differences.flatMap((d) =>
        d.differences.map((x) => [d.assessmentId, x.field, x.recorded, x.recomputed, where(d.at)]),
      ),
    ),
    '<h2>Gaps</h2>',
    table(
      ['kind', 'declaration', 'detail', 'record'],
      r.gaps.map((g) => [g.kind, `${g.declarationId}:${g.amendment}`, g.detail, where(g.at)]),
    ),
    '<h2>Unverifiable</h2>',
    table(
      ['assessment', 'reason', 'record'],
      r.unverifiable.map((u) => [u.assessmentId, u.reason, where(u.at)]),
    ),
    '<h2>Duplicates</h2>',
    table(
      ['kind', 'declaration', 'records'],
      r.duplicates.map((d) => [d.kind, `${d.declarationId}:${d.amendment}`, d.records.map(where).join(' ')]),
    ),
    '<h2>Corrupt records</h2>',
    table(
      ['record', 'reason'],
      r.corrupt.map((x) => [where(x), x.reason]),
    ),
    '<h2>Ruleset versions</h2>',
    table(
      ['version', 'assessments'],
      r.rulesetVersions.map((v) => [v.version, v.assessments]),
    ),
  ];
  return page('Clearway audit: replay and verification', body.join('\n'));
}

export function renderBacktestHtml(b: BacktestReport): string {
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
  const body = [
    `<p>Candidate <b>${escapeHtml(b.candidate.name)}</b> ${escapeHtml(b.candidate.version)} over ${escapeHtml(b.window.from)} → ${escapeHtml(b.window.to)}${b.port ? ` at ${escapeHtml(b.port)}` : ''}</p>`,
    b.noData ? `<p class="bad">${escapeHtml(b.noData)}</p>` : '',
    kpi('declarations', b.declarations),
    kpi('level changes', b.changed),
    kpi('random control compliance', pct(b.baseline.complianceRate)),
    '<h2>Level-change matrix</h2>',
    levelMatrixSvg(b.matrix),
    '<h2>Inspection levels over time: recorded</h2>',
    levelsOverTimeSvg(b.levelsByHour.recorded, 'recorded levels per hour'),
    '<h2>Inspection levels over time: candidate</h2>',
    levelsOverTimeSvg(b.levelsByHour.candidate, 'candidate levels per hour'),
    '<h2>Hit rate per rule</h2>',
    hitRateSvg(b.rules, b.baseline.hitRate),
    table(
      ['rule', 'recorded fires', 'candidate fires', 'inspected', 'hits', 'hit rate', 'lift'],
      b.rules.map((r) => [
        r.ruleId,
        r.recordedFires,
        r.candidateFires,
        r.inspected,
        r.hits,
        pct(r.hitRate),
        r.lift === null ? '—' : r.lift.toFixed(2),
      ]),
    ),
    '<h2>Inspection load per hour</h2>',
    table(
      ['hour', 'port', 'level', 'recorded', 'candidate', 'capacity / h'],
      b.load.map((l) => [
        new Date(l.hour).toISOString().slice(0, 13) + 'h',
        l.port,
        l.level,
        l.recorded,
        l.candidate,
        l.capacityPerHour === null ? '—' : l.capacityPerHour.toFixed(1),
      ]),
    ),
    b.laneLoad.length === 0
      ? '<p>No ports file: load per level and hour only.</p>'
      : `<h2>Load per lane and hour</h2>${table(
          ['hour', 'lane', 'level', 'expected', 'capacity / h', 'utilisation'],
          b.laneLoad.map((l) => [
            new Date(l.hour).toISOString().slice(0, 13) + 'h',
            l.laneId,
            l.level,
            l.expected.toFixed(1),
            l.capacityPerHour.toFixed(1),
            pct(l.utilisation),
          ]),
        )}`,
    '<h2>Shifts</h2>',
    table(
      ['declaration', 'from', 'to', 'score recorded', 'score candidate'],
      b.shifts.map((s) => [
        `${s.declarationId}:${s.amendment}`,
        s.from,
        s.to,
        s.recordedScore,
        s.candidateScore,
      ]),
    ),
  ];
  return page('Clearway audit: ruleset backtest', body.join('\n'));
}
