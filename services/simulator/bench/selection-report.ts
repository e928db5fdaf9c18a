// The selection benchmark as a self-contained HTML page: the figures as a table and the recall curve
// (Clearway's ranking versus random selection) as inline SVG. No scripts, no external assets.
import type { CurvePoint, OperatingPoint } from './selection-metrics.ts';

export interface SelectionReport {
  generatedFor: string;
  declarations: number;
  nonCompliant: number;
  rulesetVersion: string;
  points: OperatingPoint[];
  curve: CurvePoint[];
  clearwayRateFor80: number;
  randomRateFor80: number;
  kindShares: Record<string, number>;
}

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)} %`;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function chart(r: SelectionReport): string {
  const w = 640;
  const h = 460;
  const m = { left: 64, right: 24, top: 24, bottom: 56 };
  const pw = w - m.left - m.right;
  const ph = h - m.top - m.bottom;
  const x = (rate: number) => m.left + rate * pw;
  const y = (recall: number) => m.top + (1 - recall) * ph;
  const grid: string[] = [];
  for (let i = 0; i <= 10; i++) {
    const v = i / 10;
    grid.push(
      `<line x1="${x(v)}" y1="${y(0)}" x2="${x(v)}" y2="${y(1)}" class="grid"/>`,
      `<line x1="${x(0)}" y1="${y(v)}" x2="${x(1)}" y2="${y(v)}" class="grid"/>`,
      `<text x="${x(v)}" y="${y(0) + 18}" text-anchor="middle">${i * 10}%</text>`,
      `<text x="${x(0) - 8}" y="${y(v) + 4}" text-anchor="end">${i * 10}%</text>`,
    );
  }
  const curve = r.curve.map((p) => `${x(p.rate).toFixed(1)},${y(p.recall).toFixed(1)}`).join(' ');
  const markers = r.points
    .map(
      (p) =>
        `<circle cx="${x(p.inspectionRate)}" cy="${y(p.recall)}" r="5" class="point"/>` +
        `<text x="${x(p.inspectionRate) + 8}" y="${y(p.recall) + 16}" class="label">≥ ${p.threshold}: ${pct(p.inspectionRate)} inspected, ${pct(p.recall)} found</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="Recall against inspection rate">
<style>.grid{stroke:#e5e5e5}.axis{stroke:#333}text{font:12px sans-serif;fill:#333}.cw{fill:none;stroke:#0a6ebd;stroke-width:2.5}.rnd{stroke:#c0392b;stroke-width:2;stroke-dasharray:6 4}.target{stroke:#888;stroke-dasharray:2 3}.point{fill:#0a6ebd}.label{font-size:11px}.v80{stroke-width:1.5;stroke-dasharray:3 3}</style>
${grid.join('\n')}
<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(0)}" class="axis"/>
<line x1="${x(0)}" y1="${y(0)}" x2="${x(0)}" y2="${y(1)}" class="axis"/>
<line x1="${x(0)}" y1="${y(0.8)}" x2="${x(1)}" y2="${y(0.8)}" class="target"/>
<text x="${x(1) - 4}" y="${y(0.8) - 6}" text-anchor="end">80 % of violations</text>
<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" class="rnd"/>
<polyline points="${curve}" class="cw"/>
<line x1="${x(r.clearwayRateFor80)}" y1="${y(0)}" x2="${x(r.clearwayRateFor80)}" y2="${y(0.8)}" class="v80" stroke="#0a6ebd"/>
<line x1="${x(r.randomRateFor80)}" y1="${y(0)}" x2="${x(r.randomRateFor80)}" y2="${y(0.8)}" class="v80" stroke="#c0392b"/>
${markers}
<text x="${m.left + pw / 2}" y="${h - 14}" text-anchor="middle">inspection rate (share of declarations inspected)</text>
<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">recall (share of violations found)</text>
<rect x="${x(0.55)}" y="${y(0.28)}" width="250" height="48" fill="#fff" stroke="#ccc"/>
<line x1="${x(0.57)}" y1="${y(0.22)}" x2="${x(0.62)}" y2="${y(0.22)}" class="cw"/><text x="${x(0.635)}" y="${y(0.22) + 4}">Clearway (highest score first)</text>
<line x1="${x(0.57)}" y1="${y(0.14)}" x2="${x(0.62)}" y2="${y(0.14)}" class="rnd"/><text x="${x(0.635)}" y="${y(0.14) + 4}">random selection</text>
</svg>`;
}

export function renderSelectionReport(r: SelectionReport): string {
  const rows = r.points
    .map(
      (p) => `<tr><td>level ≥ ${p.threshold}</td><td>${pct(p.inspectionRate)}</td><td>${p.inspections}</td>
<td>${pct(p.hitRate)}</td><td>${pct(p.recall)}</td><td>${pct(p.randomExpectedHitRate)}</td>
<td>${pct(p.randomDrawHitRate)}</td><td>${pct(p.randomDrawRecall)}</td><td>${p.lift.toFixed(2)}×</td></tr>`,
    )
    .join('\n');
  const kinds = Object.keys(r.points[0]?.recallByKind ?? {});
  const kindRows = kinds
    .map((k) => {
      const cells = r.points
        .map((p) => {
          const v = p.recallByKind[k as keyof typeof p.recallByKind];
          return `<td>${v.found} / ${v.total} (${pct(v.total === 0 ? 0 : v.found / v.total, 0)})</td>`;
        })
        .join('');
      return `<tr><td>${k}</td><td>${pct(r.kindShares[k] ?? 0)}</td>${cells}</tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clearway selection: targeted versus random</title>
<style>body{font:14px/1.5 sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}</style></head>
<body>
<h1>Targeted versus random selection</h1>
<p>${esc(r.generatedFor)}. ${r.declarations.toLocaleString('en')} simulated declarations, of which
${r.nonCompliant.toLocaleString('en')} (${pct(r.nonCompliant / r.declarations, 2)}) are non-compliant by the simulator's ground
truth. Ruleset version <code>${esc(r.rulesetVersion.slice(0, 16))}</code>.</p>
<table><tr><th>Clearway selection</th><th>inspection rate</th><th>inspections</th><th>hit rate</th><th>recall</th>
<th>random: expected hit rate</th><th>random: seeded draw hit rate</th><th>random: draw recall</th><th>lift</th></tr>
${rows}</table>
<p>Inspection rate needed to find 80 % of violations: <b>Clearway ${pct(r.clearwayRateFor80)}</b> (inspecting the highest
scores first), <b>random ${pct(r.randomRateFor80)}</b>.</p>
${chart(r)}
<h2>Found by kind of violation</h2>
<table><tr><th>violation</th><th>share of violations</th>${r.points.map((p) => `<th>≥ ${p.threshold}</th>`).join('')}</tr>
${kindRows}</table>
<p>Hit rate: non-compliant declarations found per inspection. Recall: share of all non-compliant declarations
that were inspected. A lane finds a violation whenever it inspects a non-compliant truck, so these are upper
bounds on what real inspections would find.</p>
</body></html>
`;
}
