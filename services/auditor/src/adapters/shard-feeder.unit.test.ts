import type { AvroDecoding } from '@clearway/kafka';
import type { CorruptRecord } from '../domain/audit-records.ts';
import { messyHistory, messyWindow, type Arrival } from '../domain/messy-history.ts';
import { createReplayJoin, slotOf, type Arrived } from '../domain/replay-join.ts';
import { createReplay, type RulesetLookup } from '../domain/replay.ts';
import { assessmentOf, declaration, located, ruleset } from '../domain/test-history.ts';
import { createShardFeeder } from './shard-feeder.ts';

const r = ruleset();
const rulesets: RulesetLookup = (v) =>
  v === r.version ? { ruleset: r } : { missing: `ruleset version ${v} is not on the rulesets topic` };

// Records as JSON instead of Avro; the first record of each topic misses the schema cache, as in a
// real run, and a value of "corrupt" does not decode.
function fakeSerde(): AvroDecoding {
  const cached = new Set<string>();
  const parse = (buffer: Buffer | null) => {
    const text = buffer!.toString();
    if (text === 'corrupt') throw new Error('wrong magic byte');
    return JSON.parse(text) as never;
  };
  const serde: AvroDecoding = {
    tryDecodeCached: (topic, buffer) => (cached.has(topic) ? parse(buffer) : undefined),
    decode: async (topic, buffer) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      cached.add(topic);
      return parse(buffer);
    },
    // Whole records: the projection itself is the serde's (libs/kafka) to test.
    projected: (topic) => ({
      tryDecodeCached: (buffer) => serde.tryDecodeCached(topic, buffer),
      decode: (buffer) => serde.decode(topic, buffer),
    }),
  };
  return serde;
}

async function feed(arrivals: Arrival[], defer: boolean, keyOf = (id: string): string | null => id) {
  const join = createReplayJoin({ window: messyWindow, rulesets });
  const corrupt: Arrived<CorruptRecord>[] = [];
  const feeder = createShardFeeder({
    serde: fakeSerde(),
    join,
    owns: () => true,
    defer,
    onCorrupt: (item, seq) => corrupt.push({ seq, item }),
  });
  let seq = 0;
  for (const a of arrivals) {
    const step =
      a.kind === 'declaration'
        ? feeder.declaration(
            a.record.at,
            seq++,
            keyOf(a.record.value.declarationId),
            Buffer.from(JSON.stringify(a.record.value)),
          )
        : a.kind === 'assessment'
          ? feeder.assessment(a.record.at, seq++, Buffer.from(JSON.stringify(a.record.value)))
          : a.kind === 'corrupt'
            ? feeder.assessment(a.record, seq++, Buffer.from('corrupt'))
            : undefined;
    if (step) await step;
  }
  await feeder.flush();
  // Merged as the replay merges shards: findings back in arrival order.
  const replay = createReplay({ window: messyWindow, rulesets });
  for (const c of corrupt) replay.addCorrupt(c.item, c.seq);
  const report = replay.finish([], [join.summarise(replay.joinQueries())]);
  return { report, misrouted: feeder.misrouted() };
}

describe('shard feeder', () => {
  it('given declarations keyed by their id, holding them until needed changes nothing', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const history = messyHistory(r, seed);
      const eager = await feed(history, false);
      const deferred = await feed(history, true);
      expect(deferred).toEqual(eager);
      expect(deferred.misrouted).toBe(0);
      expect(eager.report.differences.length * eager.report.gaps.length).toBeGreaterThan(0);
    }
  });

  it('given ids held under one slot, releases only the assessed id, the others held in order', async () => {
    const [x, y] = ['KGS-2026-162789', 'KGS-2026-379192'];
    expect(slotOf(x)).toBe(slotOf(y));
    const dx = declaration(x, 'AF', 2);
    const dy = declaration(y);
    const arrivals: Arrival[] = [
      { kind: 'declaration', record: located(dx, 'decl', 0) },
      { kind: 'declaration', record: located(dy, 'decl', 1) },
      // A resubmitted, altered copy: only the first one read counts.
      { kind: 'declaration', record: located({ ...dx, goods: dx.goods.slice(0, 1) }, 'decl', 2) },
      { kind: 'declaration', record: located({ ...dx, amendment: 1 }, 'decl', 3) },
      { kind: 'assessment', record: located(assessmentOf(r, dy), 'risk', 0) },
      { kind: 'assessment', record: located(assessmentOf(r, dx), 'risk', 1) },
    ];
    const eager = await feed(arrivals, false);
    const deferred = await feed(arrivals, true);
    expect(deferred).toEqual(eager);
    expect(deferred.report.counts).toMatchObject({ declarations: 3, verified: 2, different: 0 });
    expect(deferred.report.gaps).toEqual([
      expect.objectContaining({ kind: 'DECLARATION_WITHOUT_ASSESSMENT', declarationId: x, amendment: 1 }),
    ]);
  });

  it('counts a declaration keyed by something else, so the replay is done again without holding', async () => {
    const history = messyHistory(r, 7);
    const { misrouted } = await feed(history, true, (id) => (id.endsWith('3') ? 'elsewhere' : id));
    expect(misrouted).toBeGreaterThan(0);
    expect((await feed(history, true, () => null)).misrouted).toBeGreaterThan(0);
  });
});
