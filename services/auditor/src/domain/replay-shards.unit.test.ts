import { messyHistory, messyWindow, type Arrival } from './messy-history.ts';
import { createReplayJoin } from './replay-join.ts';
import { createReplay, type ReplayReport, type RulesetLookup } from './replay.ts';
import { hashOfId, hashOfKey, shardOf, type ShardPlan } from './shard-of.ts';
import { ruleset } from './test-history.ts';

const r = ruleset();
const rulesets: RulesetLookup = (v) =>
  v === r.version ? { ruleset: r } : { missing: `ruleset version ${v} is not on the rulesets topic` };
type Replay = ReturnType<typeof createReplay>;
const incomplete = ['decl:2 stopped at 5 of 9'];

function feed(replay: Replay, a: Arrival): void {
  switch (a.kind) {
    case 'declaration':
      return replay.addDeclaration(a.record);
    case 'assessment':
      return replay.addAssessment(a.record);
    case 'assignment':
      return replay.addAssignment(a.record);
    case 'result':
      return replay.addResult(a.record);
    case 'outcome':
      return replay.addOutcome(a.record);
    case 'deadLetter':
      return replay.addDeadLetter(a.record);
    case 'corrupt':
      return replay.addCorrupt(a.record);
  }
}

const onOneThread = (arrivals: Arrival[], port?: string): ReplayReport => {
  const replay = createReplay({ window: messyWindow, ...(port ? { port } : {}), rulesets });
  for (const a of arrivals) feed(replay, a);
  return replay.finish(incomplete);
};

// As the workers do it: declarations and assessments joined in shards chosen by declaration id, each
// numbered on arrival; records that do not decode in a shard are reported back only at the end.
const inShards = (arrivals: Arrival[], plan: ShardPlan, port?: string): ReplayReport => {
  const options = { window: messyWindow, ...(port ? { port } : {}), rulesets };
  const replay = createReplay(options);
  const joins = Array.from({ length: plan.workers + 1 }, () => createReplayJoin(options));
  const shardOfRecord = (id: string) => joins[shardOf(hashOfId(id), plan)]!;
  const lateCorrupt: [number, Extract<Arrival, { kind: 'corrupt' }>['record']][] = [];
  for (const a of arrivals) {
    if (a.kind === 'declaration')
      shardOfRecord(a.record.value.declarationId).addDeclaration(a.record, replay.arrival());
    else if (a.kind === 'assessment')
      shardOfRecord(a.record.value.declarationId).addAssessment(a.record, replay.arrival());
    else if (a.kind === 'corrupt' && a.record.topic !== 'out') lateCorrupt.push([replay.arrival(), a.record]);
    else feed(replay, a);
  }
  for (const [seq, c] of lateCorrupt.reverse()) replay.addCorrupt(c, seq);
  const queries = replay.joinQueries();
  return replay.finish(
    incomplete,
    joins.map((j) => j.summarise(queries)),
  );
};

const plans: ShardPlan[] = [
  { workers: 0, localShare: 1 },
  { workers: 1, localShare: 0 },
  { workers: 1, localShare: 0.4 },
  { workers: 2, localShare: 0.3 },
  { workers: 4, localShare: 0.2 },
];

describe('replay in shards', () => {
  it('given a messy history, reports exactly what one thread reports, in the same order', () => {
    const seen = { differences: 0, unverifiable: 0, duplicates: 0, deadLettered: 0, corrupt: 0 };
    const gapKinds = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const history = messyHistory(r, seed);
      for (const port of [undefined, 'KHORGOS']) {
        const expected = onOneThread(history, port);
        for (const plan of plans) expect(inShards(history, plan, port)).toEqual(expected);
        seen.differences += expected.differences.length;
        seen.unverifiable += expected.unverifiable.length;
        seen.duplicates += expected.duplicates.length;
        seen.deadLettered += expected.deadLettered.length;
        seen.corrupt += expected.corrupt.length;
        for (const g of expected.gaps) gapKinds.add(g.kind);
      }
    }
    // The history is messy enough to exercise every kind of finding.
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(3);
    expect(gapKinds.size).toBe(4);
  });

  it('routes a declaration id and the Kafka key it is written under to the same shard', () => {
    const encoder = new TextEncoder();
    const ids = ['KGS-2026-000001', 'Ω-7', 'é', '貨物-1', '🚚-42', 'lone \ud800 surrogate', 'end \udc00', ''];
    for (const id of ids) expect(hashOfId(id)).toBe(hashOfKey(encoder.encode(id)));
    expect(hashOfKey(null)).toBe(hashOfId(''));
  });

  it('spreads keys over the shards as planned', () => {
    const plan = { workers: 3, localShare: 0.25 };
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 20_000; i++) counts[shardOf(hashOfId(`KGS-2026-${i}`), plan)]!++;
    expect(counts[0]! / 20_000).toBeCloseTo(0.25, 1);
    for (const n of counts.slice(1)) expect(n / 20_000).toBeCloseTo(0.25, 1);
    expect(shardOf(hashOfId('any'), { workers: 0, localShare: 0 })).toBe(0);
  });
});
