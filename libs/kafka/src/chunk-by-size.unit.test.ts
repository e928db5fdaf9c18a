import { Partitioners, type Message } from 'kafkajs';
import { chunkByPartition, partitionOfKey } from './chunk-by-size.ts';

const msg = (key: string | null, bytes: number): Message => ({ key, value: Buffer.alloc(bytes) });
const size = (m: Message) => (m.value as Buffer).length + (m.key ? Buffer.byteLength(m.key) : 0) + 64;
const limits = { partitionBytes: 2_000, requestBytes: 5_000 };

describe('chunkByPartition', () => {
  const keys = Array.from({ length: 300 }, (_, i) => `DECL-${i}`);
  const byTopic = () =>
    new Map([
      ['a', keys.map((k) => msg(k, 100))],
      ['b', keys.slice(0, 100).map((k) => msg(k, 300))],
    ]);

  it("keeps every record, each partition's in order, with no partition over its limit in any request", () => {
    const chunks = chunkByPartition(byTopic(), (t) => (t === 'a' ? 6 : 3), limits);
    const sent = new Map<string, string[]>();
    for (const request of chunks) {
      const perPartition = new Map<string, number>();
      let total = 0;
      for (const { topic, messages } of request)
        for (const m of messages) {
          const slot = `${topic}/${m.partition}`;
          perPartition.set(slot, (perPartition.get(slot) ?? 0) + size(m));
          total += size(m);
          sent.set(slot, [...(sent.get(slot) ?? []), m.key as string]);
        }
      for (const bytes of perPartition.values()) expect(bytes).toBeLessThanOrEqual(limits.partitionBytes);
      expect(total).toBeLessThanOrEqual(limits.requestBytes);
    }
    for (const [topic, count] of [
      ['a', 6],
      ['b', 3],
    ] as const)
      for (let p = 0; p < count; p++) {
        const expected = (topic === 'a' ? keys : keys.slice(0, 100)).filter(
          (k) => partitionOfKey(k, count) === p,
        );
        expect(sent.get(`${topic}/${p}`)).toEqual(expected);
      }
  });

  it('puts several partitions in one request: fewer requests than cutting the whole request at the partition limit', () => {
    const chunks = chunkByPartition(byTopic(), () => 6, limits);
    const totalBytes = [...byTopic().values()].flat().reduce((n, m) => n + size(m), 0);
    // Cut at 2,000 bytes a request, as before, this needs at least totalBytes / 2,000 requests.
    expect(chunks.length).toBeLessThan(totalBytes / limits.partitionBytes / 2);
  });

  it("gives keyed records the partition kafkajs's default (Java-compatible) partitioner chooses", () => {
    const partitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({
      partitionId,
      leader: 1,
      partitionErrorCode: 0,
      replicas: [1],
      isr: [1],
    }));
    const many = [...keys, '', 'ä-ü-ß', 'KHG-20261128-000515'];
    const chunks = chunkByPartition(new Map([['t', many.map((k) => msg(k, 1))]]), () => 6, limits);
    const placed = chunks.flatMap((c) => c.flatMap((t) => t.messages));
    expect(placed.map((m) => m.partition)).toEqual(
      many.map((key) => partitioner({ topic: 't', partitionMetadata, message: { key, value: null } })),
    );
    expect(new Set(placed.map((m) => m.partition)).size).toBe(6);
  });

  it('leaves unkeyed records and topics of unknown size to the producer, cut as one partition', () => {
    const chunks = chunkByPartition(
      new Map([
        ['unknown', keys.slice(0, 50).map((k) => msg(k, 100))],
        ['unkeyed', Array.from({ length: 50 }, () => msg(null, 100))],
      ]),
      (t) => (t === 'unknown' ? 0 : 6),
      limits,
    );
    for (const request of chunks)
      for (const { messages } of request) {
        expect(messages.every((m) => m.partition === undefined)).toBe(true);
        expect(messages.reduce((n, m) => n + size(m), 0)).toBeLessThanOrEqual(limits.partitionBytes);
      }
  });

  it('sends a single oversized record alone rather than dropping it', () => {
    const chunks = chunkByPartition(
      new Map([['a', [msg('x', 10), msg('x', 5_000), msg('x', 10)]]]),
      () => 1,
      limits,
    );
    expect(chunks.map((c) => c.flatMap((t) => t.messages).length)).toEqual([1, 1, 1]);
  });

  it('gives nothing for nothing', () => {
    expect(chunkByPartition(new Map(), () => 1, limits)).toEqual([]);
  });
});
