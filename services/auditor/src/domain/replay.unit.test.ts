import { createReplay } from './replay.ts';
import { createReplayJoin, slotOf } from './replay-join.ts';
import type { ReplayedAssessment } from './verify-assessment.ts';
import { T0, assessmentOf, assignmentOf, declaration, located, outcomeOf, ruleset } from './test-history.ts';

const DECL = 'decl';
const RISK = 'risk';
const LANE = 'lane';
const OUT = 'out';
const DLQ = 'dlq';
const r = ruleset();
const window = { from: T0, to: T0 + 3_600_000 };
const replayOf = () =>
  createReplay({
    window,
    rulesets: (v) =>
      v === r.version ? { ruleset: r } : { missing: `ruleset version ${v} is not on the rulesets topic` },
  });

describe('replay', () => {
  it('given an untouched history, reports zero differences and no gaps, whatever order the topics arrive in', () => {
    const replay = replayOf();
    const ds = ['A', 'B', 'C'].map((id, i) => declaration(id, i === 0 ? 'AF' : 'CN', i + 1));
    const as = ds.map((d) => assessmentOf(r, d));
    // The assessment of A arrives before its declaration.
    replay.addAssessment(located(as[0]!, RISK, 0));
    ds.forEach((d, i) => replay.addDeclaration(located(d, DECL, i)));
    replay.addAssessment(located(as[1]!, RISK, 1));
    replay.addAssessment(located(as[2]!, RISK, 2));
    replay.addAssignment(located(assignmentOf(as[0]!), LANE, 0));
    replay.addOutcome(located(outcomeOf(as[0]!, false), OUT, 0));
    replay.addOutcome(located(outcomeOf(as[0]!), OUT, 1));

    const report = replay.finish();
    expect(report.counts).toMatchObject({
      declarations: 3,
      assessments: 3,
      verified: 3,
      different: 0,
      gaps: 0,
    });
    expect(report.noData).toBeNull();
    expect(report.levelsByHour).toEqual([
      { hour: T0, counts: { RELEASE: 0, DOCUMENTARY: 3, SCAN: 0, PHYSICAL: 0 } },
    ]);
  });

  it('finds a forged later assessment and a missing final outcome, and nothing else', () => {
    const replay = replayOf();
    const d = declaration('A', 'AF', 2);
    const a = assessmentOf(r, d);
    replay.addDeclaration(located(d, DECL, 0));
    replay.addAssessment(located(a, RISK, 0));
    replay.addAssessment(located({ ...a, inspectionLevel: 'RELEASE' }, RISK, 1));
    replay.addAssignment(located(assignmentOf(a), LANE, 0));
    replay.addOutcome(located(outcomeOf(a, false), OUT, 0)); // interim only

    const report = replay.finish();
    expect(report.differences).toEqual([
      expect.objectContaining({
        assessmentId: 'A:0',
        differences: [{ field: 'inspectionLevel', recorded: 'RELEASE', recomputed: 'SCAN' }],
        at: expect.objectContaining({ topic: RISK, offset: '1' }) as unknown,
      }),
    ]);
    expect(report.gaps.map((g) => g.kind)).toEqual(['ASSIGNMENT_WITHOUT_OUTCOME']);
    expect(report.duplicates).toEqual([expect.objectContaining({ kind: 'ASSESSMENT', declarationId: 'A' })]);
  });

  it('compares a later assessment of a verified amendment with the first, inputs included', () => {
    const replay = replayOf();
    const d = declaration('A', 'AF', 2);
    const a = assessmentOf(r, d);
    replay.addDeclaration(located(d, DECL, 0));
    replay.addAssessment(located(a, RISK, 0));
    replay.addAssessment(located(a, RISK, 1)); // an identical copy verifies
    const context = { ...a.context!, pairSeenBefore: false };
    replay.addAssessment(located({ ...a, context }, RISK, 2));
    replay.addAssessment(located({ ...a, rulesetVersion: 'sha256:gone' }, RISK, 3));
    const report = replay.finish();
    expect(report.counts.verified).toBe(2);
    expect(report.unverifiable).toEqual([expect.objectContaining({ rulesetVersion: 'sha256:gone' })]);
    expect(report.differences).toEqual([
      expect.objectContaining({
        at: expect.objectContaining({ offset: '2' }) as unknown,
        differences: [
          { field: 'context', recorded: JSON.stringify(context), recomputed: JSON.stringify(a.context) },
        ],
      }),
    ]);
  });

  it('reports each kind of gap, unverifiable versions and corrupt records', () => {
    const replay = replayOf();
    const lonely = declaration('NO-ASSESSMENT');
    const rejected = declaration('REJECTED');
    const ghost = assessmentOf(r, declaration('GHOST'));
    const known = declaration('K');
    const unknownVersion = { ...assessmentOf(r, known), rulesetVersion: 'sha256:gone' };
    replay.addDeclaration(located(lonely, DECL, 0));
    replay.addDeclaration(located(rejected, DECL, 1));
    replay.addDeadLetter(
      located(
        {
          stage: 'categoriser',
          sourceTopic: DECL,
          sourcePartition: 0,
          sourceOffset: '1',
          sourceTimestamp: String(T0),
          key: null,
          value: null,
          headers: [],
          reasonCode: 'INVALID',
          reason: 'bad',
          failedAt: T0,
        },
        DLQ,
        0,
      ),
    );
    replay.addDeclaration(located(known, DECL, 2));
    replay.addAssessment(located(ghost, RISK, 0));
    replay.addAssessment(located(unknownVersion, RISK, 1));
    replay.addOutcome(
      located({ ...outcomeOf(ghost), declarationId: 'NOBODY', assessmentId: 'NOBODY:0' }, OUT, 0),
    );
    replay.addCorrupt({ ...located(null, LANE, 7).at, reason: 'wrong magic byte' });

    const report = replay.finish();
    expect(report.gaps.map((g) => [g.kind, g.declarationId])).toEqual([
      ['DECLARATION_WITHOUT_ASSESSMENT', 'NO-ASSESSMENT'],
      ['ASSESSMENT_WITHOUT_DECLARATION', 'GHOST'],
      ['OUTCOME_WITHOUT_ASSESSMENT', 'NOBODY'],
    ]);
    expect(report.deadLettered).toEqual([
      expect.objectContaining({ declarationId: 'REJECTED', reasonCode: 'INVALID' }),
    ]);
    expect(report.unverifiable).toEqual([
      expect.objectContaining({
        assessmentId: 'K:0',
        reason: 'ruleset version sha256:gone is not on the rulesets topic',
      }),
    ]);
    expect(report.corrupt).toEqual([expect.objectContaining({ topic: LANE, partition: 0, offset: '7' })]);
  });

  it('judges the window by record time and keeps records just outside it for matching only', () => {
    const replay = replayOf();
    const before = declaration('BEFORE');
    const inside = declaration('INSIDE');
    replay.addDeclaration(located(before, DECL, 0, T0 - 1));
    replay.addDeclaration(located(inside, DECL, 1, T0 + 10));
    // The assessment of INSIDE lands after the window closes: it still counts.
    replay.addAssessment(located(assessmentOf(r, inside), RISK, 0, window.to + 5_000));
    const report = replay.finish();
    expect(report.counts).toMatchObject({ declarations: 1, assessments: 1, verified: 1, gaps: 0 });
  });

  it('says when a window holds no data', () => {
    expect(replayOf().finish().noData).toMatch(
      /^no declarations or assessments between 2026-11-20T08:00:00.000Z/,
    );
  });

  it('only looks at the port asked for', () => {
    const replay = createReplay({ window, port: 'ALASHANKOU', rulesets: () => ({ ruleset: r }) });
    replay.addDeclaration(located(declaration('A'), DECL, 0));
    expect(replay.finish().counts.declarations).toBe(0);
  });

  it('tells apart declarations whose ids the join files under one slot', () => {
    // Two ids whose hashes agree in the 30 bits the join keys its map by.
    const [x, y] = ['KGS-2026-162789', 'KGS-2026-379192'];
    expect(slotOf(x)).toBe(slotOf(y));
    const dx = declaration(x, 'AF', 2);
    const ay = assessmentOf(r, declaration(y));
    const join = createReplayJoin({ window, rulesets: () => ({ ruleset: r }) });
    join.addAssessment(located<ReplayedAssessment>(ay, RISK, 0), 0);
    expect([join.awaits(x), join.awaits(y)]).toEqual([false, true]);

    // Y is never declared: its assessment is a gap, not a difference against X's amendment 0.
    const replay = replayOf();
    replay.addAssessment(located(ay, RISK, 0));
    replay.addDeclaration(located(dx, DECL, 0));
    replay.addAssessment(located(assessmentOf(r, dx), RISK, 1));
    const report = replay.finish();
    expect(report.counts).toMatchObject({ declarations: 1, assessments: 2, verified: 1, different: 0 });
    expect(report.gaps).toEqual([
      expect.objectContaining({ kind: 'ASSESSMENT_WITHOUT_DECLARATION', declarationId: y, amendment: 0 }),
    ]);
  });
});
