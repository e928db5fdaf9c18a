// Feeds one replay shard from raw records. Assessments are decoded as they arrive; a declaration's
// bytes are held until an assessment names its id (or one already waits for it, or the read ends),
// so a decoded declaration lives only as long as its re-run: holding tens of thousands of decoded
// declarations while their assessments were read made garbage collection the largest single cost.
// Deferring changes nothing in the result as long as each declaration is keyed by its own id (the
// copies of one amendment keep their order under that key); one that is not counts as misrouted, and
// the caller replays again without deferring. Assessments are decoded to what replay reads of them
// (ReplayedAssessment): the features, the rules' reasons and the level decision, half an assessment's
// bytes, are skipped, not built.
import type { AvroDecoding, FieldSelection, ProjectedDecoder } from '@clearway/kafka';
import type { Declaration } from '@clearway/schemas';
import type { CorruptRecord, RecordLocation } from '../domain/audit-records.ts';
import type { ReplayJoin } from '../domain/replay-join.ts';
import type { ReplayedAssessment } from '../domain/verify-assessment.ts';

// Every field of ReplayedAssessment, and only those: the type checks both ways.
const REPLAYED_FIELDS = {
  assessmentId: true,
  declarationId: true,
  amendment: true,
  port: true,
  submittedAt: true,
  freightClass: true,
  inspectionLevel: true,
  score: true,
  firedRules: { ruleId: true },
  sampled: true,
  rulesetVersion: true,
  inputHash: true,
  context: true,
  routing: true,
} as const satisfies { [K in keyof ReplayedAssessment]: true | FieldSelection };

interface Held {
  at: RecordLocation;
  seq: number;
  value: Buffer;
}

type Step = void | Promise<void>;

export function createShardFeeder(options: {
  serde: AvroDecoding;
  join: ReplayJoin;
  /** Whether a declaration id is routed to this shard. */
  owns: (declarationId: string) => boolean;
  defer: boolean;
  onCorrupt: (record: CorruptRecord, seq: number) => void;
}) {
  const { serde, join, owns, defer, onCorrupt } = options;
  const held = new Map<string, Held[]>();
  let misrouted = 0;
  // By topic name; in practice one each.
  const declarationDecoders = new Map<string, ProjectedDecoder<Declaration>>();
  const assessmentDecoders = new Map<string, ProjectedDecoder<ReplayedAssessment>>();
  const declarationsOf = (topic: string): ProjectedDecoder<Declaration> => {
    let decoder = declarationDecoders.get(topic);
    if (decoder === undefined) {
      decoder = {
        tryDecodeCached: (buffer) => serde.tryDecodeCached<Declaration>(topic, buffer),
        decode: (buffer) => serde.decode<Declaration>(topic, buffer),
      };
      declarationDecoders.set(topic, decoder);
    }
    return decoder;
  };
  const assessmentsOf = (topic: string): ProjectedDecoder<ReplayedAssessment> => {
    let decoder = assessmentDecoders.get(topic);
    if (decoder === undefined) {
      decoder = serde.projected<ReplayedAssessment>(topic, REPLAYED_FIELDS);
      assessmentDecoders.set(topic, decoder);
    }
    return decoder;
  };

  // Synchronous while the writer schema is cached, which is all but the first record of a schema.
  const decoded = <T>(
    decoder: ProjectedDecoder<T>,
    at: RecordLocation,
    seq: number,
    value: Buffer,
    use: (v: T) => Step,
  ): Step => {
    const corrupt = (error: unknown) => onCorrupt({ ...at, reason: (error as Error).message }, seq);
    let v: T | undefined;
    try {
      v = decoder.tryDecodeCached(value);
    } catch (error) {
      return corrupt(error);
    }
    if (v !== undefined) return use(v);
    return decoder.decode(value).then(use, corrupt);
  };

  const addDeclaration = (d: Declaration, at: RecordLocation, seq: number, key: string | null): void => {
    if (!owns(d.declarationId) || (defer && d.declarationId !== key)) misrouted++;
    join.addDeclaration({ value: d, at }, seq);
  };
  const release = (key: string, list: Held[], from = 0): Step => {
    for (let i = from; i < list.length; i++) {
      const h = list[i]!;
      const step = decoded(declarationsOf(h.at.topic), h.at, h.seq, h.value, (d) =>
        addDeclaration(d, h.at, h.seq, key),
      );
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
        return decoded(declarationsOf(at.topic), at, seq, value, (d) => addDeclaration(d, at, seq, key));
      const list = held.get(key);
      if (list) list.push({ at, seq, value });
      else held.set(key, [{ at, seq, value }]);
      // An assessment read earlier waits for it: no reason to hold it (nor the assessment).
      if (join.awaits(key)) return releaseFor(key);
    },
    assessment: (at: RecordLocation, seq: number, value: Buffer): Step =>
      decoded(assessmentsOf(at.topic), at, seq, value, (a) => {
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
