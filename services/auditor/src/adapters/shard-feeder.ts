// Feeds one replay shard from raw records. Assessments are decoded as they arrive; a declaration's
// bytes are held until an assessment names its id (or one already waits for it, or the read ends),
// so a decoded declaration lives only as long as its re-run: holding tens of thousands of decoded
// declarations while their assessments were read made garbage collection the largest single cost.
// Deferring changes nothing in the result as long as each declaration is keyed by its own id (the
// copies of one amendment keep their order under that key); one that is not counts as misrouted, and
// the caller replays again without deferring. Assessments are decoded to what replay reads of them
// (ReplayedAssessment): the features, the rules' reasons and the level decision, half an assessment's
// bytes, are skipped, not built.
import type { AvroDecoding, ProjectedDecoder, SelectionOf } from '@clearway/kafka';
import type { Declaration } from '@clearway/schemas';
import type { CorruptRecord, RecordLocation } from '../domain/audit-records.ts';
import { slotOf, type ReplayJoin } from '../domain/replay-join.ts';
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
} as const satisfies SelectionOf<ReplayedAssessment>;

// A declaration's bytes waiting for an assessment; those held under one slot in arrival order.
interface Held {
  at: RecordLocation;
  seq: number;
  key: string | null;
  value: Buffer;
  next: Held | null;
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
  // By the key's slot (as the join files ids, see slotOf): a map keyed by small integers is looked
  // up without hashing or reading a string. Keys that share a slot are told apart when released.
  const held = new Map<number, Held>();
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
  const corrupt = (at: RecordLocation, seq: number, error: unknown): void =>
    onCorrupt({ ...at, reason: (error as Error).message }, seq);

  // Each record is decoded synchronously while its writer schema is cached, which is all but the
  // first record of a schema, and handed on without a closure made for it: these run for every
  // record replayed.
  const addDeclaration = (d: Declaration, h: Held): void => {
    if (!owns(d.declarationId) || (defer && d.declarationId !== h.key)) misrouted++;
    join.addDeclaration({ value: d, at: h.at }, h.seq);
  };
  const declaration = (h: Held): Step => {
    const decoder = declarationsOf(h.at.topic);
    let d: Declaration | undefined;
    try {
      d = decoder.tryDecodeCached(h.value);
    } catch (error) {
      return corrupt(h.at, h.seq, error);
    }
    if (d !== undefined) return addDeclaration(d, h);
    return decoder.decode(h.value).then(
      (d) => addDeclaration(d, h),
      (error) => corrupt(h.at, h.seq, error),
    );
  };
  // Held records in this order, as one list.
  const linked = (list: Held[]): Held | null => {
    list.forEach((h, i) => (h.next = list[i + 1] ?? null));
    return list[0] ?? null;
  };
  const release = (first: Held | null): Step => {
    for (let h = first; h !== null; h = h.next) {
      const step = declaration(h);
      const rest = h.next;
      if (step) return step.then(() => release(rest));
    }
  };
  const releaseFor = (declarationId: string): Step => {
    const slot = slotOf(declarationId);
    const first = held.get(slot);
    if (first === undefined) return;
    let sharing = false; // another id's declarations are held under the slot too
    for (let h: Held | null = first; h !== null && !sharing; h = h.next) sharing = h.key !== declarationId;
    if (!sharing) {
      held.delete(slot);
      return release(first);
    }
    const all: Held[] = [];
    for (let h: Held | null = first; h !== null; h = h.next) all.push(h);
    const mine = all.filter((h) => h.key === declarationId);
    held.set(slot, linked(all.filter((h) => h.key !== declarationId))!);
    return release(linked(mine));
  };

  const addAssessment = (a: ReplayedAssessment, at: RecordLocation, seq: number): Step => {
    if (!owns(a.declarationId)) misrouted++;
    const step = releaseFor(a.declarationId);
    if (step) return step.then(() => join.addAssessment({ value: a, at }, seq));
    join.addAssessment({ value: a, at }, seq);
  };

  return {
    declaration: (at: RecordLocation, seq: number, key: string | null, value: Buffer): Step => {
      const h: Held = { at, seq, key, value, next: null };
      if (!defer || key === null) return declaration(h);
      const slot = slotOf(key);
      const first = held.get(slot);
      if (first === undefined) held.set(slot, h);
      else {
        let last = first;
        while (last.next !== null) last = last.next;
        last.next = h;
      }
      // An assessment read earlier waits for it: no reason to hold it (nor the assessment).
      if (join.awaits(key)) return releaseFor(key);
    },
    assessment: (at: RecordLocation, seq: number, value: Buffer): Step => {
      const decoder = assessmentsOf(at.topic);
      let a: ReplayedAssessment | undefined;
      try {
        a = decoder.tryDecodeCached(value);
      } catch (error) {
        return corrupt(at, seq, error);
      }
      if (a !== undefined) return addAssessment(a, at, seq);
      return decoder.decode(value).then(
        (a) => addAssessment(a, at, seq),
        (error) => corrupt(at, seq, error),
      );
    },
    /** Decodes the declarations no assessment asked for. */
    flush: async (): Promise<void> => {
      for (const [slot, first] of held) {
        held.delete(slot);
        await release(first);
      }
    },
    /** Records whose declaration id does not route to this shard, or that are keyed otherwise. */
    misrouted: (): number => misrouted,
  };
}
