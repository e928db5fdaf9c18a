import { createBacktest } from './backtest.ts';
import { renderBacktestCsv, renderReplayCsv } from './render-csv.ts';
import { rebucket, renderBacktestHtml, renderReplayHtml } from './render-html.ts';
import { renderBacktestText, renderReplayText, renderTraceText } from './render-text.ts';
import { createReplay } from './replay.ts';
import { buildTrace } from './trace.ts';
import {
  T0,
  assessmentOf,
  assignmentOf,
  declaration,
  located,
  outcomeOf,
  resultOf,
  ruleset,
} from './test-history.ts';

const r = ruleset();
const window = { from: T0, to: T0 + 3_600_000 };
const d = declaration('A', 'AF', 2);
const a = assessmentOf(r, d);

function tamperedReplay() {
  const replay = createReplay({ window, rulesets: () => ({ ruleset: r }) });
  replay.addDeclaration(located(d, 'decl', 0));
  replay.addAssessment(located({ ...a, inspectionLevel: 'RELEASE' }, 'risk', 0));
  replay.addAssignment(located(assignmentOf(a), 'lane', 0));
  return replay.finish();
}

describe('reports', () => {
  it('summarises a replay for the terminal, with where each finding is', () => {
    const text = renderReplayText(tamperedReplay());
    expect(text).toContain('A:0 at risk[0]@0');
    expect(text).toContain('inspectionLevel recorded RELEASE, recomputed SCAN');
    expect(text).toContain('ASSIGNMENT_WITHOUT_OUTCOME A:0');
    expect(text).toMatch(/Result: 1 difference\(s\), 1 gap\(s\)/);
  });

  it('writes one CSV row per finding, quoting where needed', () => {
    const csv = renderReplayCsv(tamperedReplay()).trim().split('\n');
    expect(csv[0]).toBe(
      'finding,declarationId,amendment,field,recorded,recomputed,detail,topic,partition,offset',
    );
    expect(csv[1]).toMatch(/^DIFFERENCE,A,0,inspectionLevel,RELEASE,SCAN,sha256:/);
    expect(csv[2]).toMatch(/^ASSIGNMENT_WITHOUT_OUTCOME,A,0,,,,"?assignment AS-A:0/);
  });

  it('renders self-contained HTML with its charts inline and escapes what it shows', () => {
    const replayHtml = renderReplayHtml(tamperedReplay());
    expect(replayHtml).toContain('data-chart="levels-over-time"');
    const backtest = createBacktest({
      candidate: ruleset({ thresholds: { DOCUMENTARY: 5, SCAN: 10, PHYSICAL: 20 } }),
      window,
    });
    backtest.addDeclaration(located({ ...d, declarationId: '<script>x</script>' }, 'decl', 0));
    backtest.addAssessment(
      located({ ...a, declarationId: '<script>x</script>', assessmentId: '<script>x</script>:0' }, 'risk', 0),
    );
    backtest.addResult(located({ ...resultOf(a, 'SEIZURE'), declarationId: '<script>x</script>' }, 'res', 0));
    const report = backtest.finish();
    const html = renderBacktestHtml(report);
    for (const chart of ['level-matrix', 'levels-over-time', 'hit-rate'])
      expect(html).toContain(`data-chart="${chart}"`);
    expect(html).not.toContain('<script');
    expect(html).not.toMatch(/src=|href=|@import|url\(/);
    expect(renderBacktestText(report)).toContain('SCAN');
    expect(renderBacktestCsv(report)).toContain('shift,<script>x</script>:0,SCAN,PHYSICAL');
  });

  it('traces a declaration in time order with the time each step took', () => {
    const trace = buildTrace('A', {
      declarations: [located(d, 'decl', 0)],
      assessments: [located(a, 'risk', 0)],
      assignments: [located(assignmentOf(a), 'lane', 0)],
      results: [located(resultOf(a, 'NO_FINDINGS'), 'res', 0)],
      outcomes: [located(outcomeOf(a), 'out', 0)],
    });
    expect(trace.steps.map((s) => [s.kind, s.tookMs])).toEqual([
      ['DECLARED', null],
      ['ASSESSED', 500],
      ['ASSIGNED', 1_000],
      ['INSPECTED', 119_000],
      ['OUTCOME', 60_000],
    ]);
    expect(trace.totalMs).toBe(180_500);
    expect(renderTraceText(trace)).toContain('Total from submission to final outcome: 3 min 1 s');
    expect(
      renderTraceText(
        buildTrace('NONE', { declarations: [], assessments: [], assignments: [], results: [], outcomes: [] }),
      ),
    ).toBe('No records of declaration NONE.');
  });
});

describe('levels over time', () => {
  it('merges hours into buckets so a long window stays readable, keeping empty buckets on the axis', () => {
    const counts = (n: number) => ({ RELEASE: n, DOCUMENTARY: 0, SCAN: 0, PHYSICAL: 0 });
    const H = 3_600_000;
    const series = [0, 1, 5, 299].map((h) => ({ hour: T0 + h * H, counts: counts(1) }));
    const { bucketHours, series: out } = rebucket(series, 100);
    expect(bucketHours).toBe(3);
    expect(out).toHaveLength(100);
    expect(out[0]).toEqual({ hour: T0, counts: counts(2) });
    expect(out[1]).toEqual({ hour: T0 + 3 * H, counts: counts(1) });
    expect(out[99]).toEqual({ hour: T0 + 297 * H, counts: counts(1) });
    expect(rebucket(series.slice(0, 2)).bucketHours).toBe(1);
  });
});
