// Feeds one replay shard from raw records. Assessments are decoded as they arrive; a declaration's
// bytes are held until an assessment names its id (or one already waits for it, or the read ends),
// so a decoded declaration lives only as long as its re-run: holding tens of thousands of decoded
// declarations while their assessments were read made garbage collection the largest single cost.
// Deferring changes nothing in the result as long as each declaration is keyed by its own id (the
// copies of one amendment keep their order under that key); one that is not counts as misrouted, and
// the caller replays again without deferring.
import type { AvroSerde } from '@clearway/kafka';
import type { Declaration, RiskAssessment } from '@clearway/schemas';
import type { CorruptRecord, RecordLocation } from '../domain/audit-records.ts';
import type { ReplayJoin } from '../domain/replay-join.ts';

interface Held {
  at: RecordLocation;
  seq: number;
  value: Buffer;
}

type Step = void | Promise<void>;

export function createShardFeeder(options: {
  serde: AvroSerde;
  join: ReplayJoin;
  /** Whether a declaration id is routed to this shard. */
  owns: (declarationId: string) => boolean;
  defer: boolean;
  onCorrupt: (record: CorruptRecord, seq: number) => void;
}) {
  const { serde, join, owns, defer, onCorrupt } = options;
  const held = new Map<string, Held[]>();
  let misrouted = 0;

  // Synchronous while the writer schema is cached, which is all but the first record of a schema.
  const decoded = <T>(at: RecordLocation, seq: number, value: Buffer, use: (v: T) => Step): Step => {
    const corrupt = (error: unknown) => onCorrupt({ ...at, reason: (error as Error).message }, seq);
    let v: T | undefined;
    try {
      v = serde.tryDecodeCached<T>(at.topic, value);
    } catch (error) {
      return corrupt(error);
    }
    if (v !== undefined) return use(v);
    return serde.decode<T>(at.topic, value).then(use, corrupt);
  };

  const addDeclaration = (d: Declaration, at: RecordLocation, seq: number, key: string | null): void => {
    if (!owns(d.declarationId) || (defer && d.declarationId !== key)) misrouted++;
    join.addDeclaration({ value: d, at }, seq);
  };
  const release = (key: string, list: Held[], from = 0): Step => {
    for (let i = from; i < list.length; i++) {
      const h = list[i]!;
      const step = decoded<Declaration>(h.at, h.seq, h.value, (d) => addDeclaration(d, h.at, h.seq, key));
      if (step) return step.then(() => release(key, list, i + 1));
    }
  };
  const releaseFor = (declarationId: string): Step => {
    const list = held.get(declarationId);
    if (list === undefined) return;
    held.delete(declarationId);
    return release(declarationId, list);
  };

  return {
    declaration: (at: RecordLocation, seq: number, key: string | null, value: Buffer): Step => {
      if (!defer || key === null)
        return decoded<Declaration>(at, seq, value, (d) => addDeclaration(d, at, seq, key));
      const list = held.get(key);
      if (list) list.push({ at, seq, value });
      else held.set(key, [{ at, seq, value }]);
      // An assessment read earlier waits for it: no reason to hold it (nor the assessment).
      if (join.awaits(key)) return releaseFor(key);
    },
    assessment: (at: RecordLocation, seq: number, value: Buffer): Step =>
      decoded<RiskAssessment>(at, seq, value, (a) => {
        if (!owns(a.declarationId)) misrouted++;
        const step = releaseFor(a.declarationId);
        if (step) return step.then(() => join.addAssessment({ value: a, at }, seq));
        join.addAssessment({ value: a, at }, seq);
      }),
    /** Decodes the declarations no assessment asked for. */
    flush: async (): Promise<void> => {
      for (const [key, list] of held) {
        held.delete(key);
        await release(key, list);
      }
    },
    /** Records whose declaration id does not route to this shard, or that are keyed otherwise. */
    misrouted: (): number => misrouted,
  };
}
