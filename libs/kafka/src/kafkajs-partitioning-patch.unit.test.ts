import { createRequire } from 'node:module';
import {
  groupMessagesPerPartition,
  kafkajsMurmur2,
  murmur2,
  patchKafkajsPartitioning,
} from './kafkajs-partitioning-patch.ts';

const require = createRequire(import.meta.url);

/** Deterministic keys of every length remainder, ASCII and not, strings and buffers. */
function keys(): (string | Buffer)[] {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const out: (string | Buffer)[] = ['', 'a', 'ab', 'abc', 'abcd', 'DEC-2026-000001', 'Хоргос-7', '霍尔果斯'];
  for (let i = 0; i < 2_000; i++) {
    const length = next() % 40;
    const bytes = Buffer.alloc(length);
    for (let j = 0; j < length; j++) bytes[j] = next() & 0xff;
    out.push(bytes);
    out.push(bytes.toString('latin1'));
    out.push(`KZ-${next().toString(36)}-${i}`);
  }
  return out;
}

describe('kafkajs partitioning patch', () => {
  it('applies to the installed kafkajs, idempotently', () => {
    expect(patchKafkajsPartitioning()).toBe(true);
    expect(patchKafkajsPartitioning()).toBe(true);
    expect(require('kafkajs/src/producer/partitioners/default/murmur2')).toBe(murmur2);
    expect(require('kafkajs/src/producer/groupMessagesPerPartition')).toBe(groupMessagesPerPartition);
  });

  it('hashes every key exactly as kafkajs (and Java) murmur2 does', () => {
    expect(kafkajsMurmur2).toBeDefined();
    let differing = 0;
    for (const key of keys()) if (murmur2(key) !== kafkajsMurmur2!(key)) differing++;
    expect(differing).toBe(0);
    // Known values from the Java client's murmur2 (UtilsTest): "21" → -973932308, "foobar" → -790332482.
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
  });

  it('groups messages by the partitioner, keeping their order within each partition', () => {
    const messages = Array.from({ length: 1_000 }, (_, i) => ({ key: `k${i}`, value: i }));
    const partitionMetadata = [{}, {}, {}, {}, {}];
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata,
      messages,
      partitioner: ({ message }) => Number((message as { value: number }).value) % 5,
    });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2', '3', '4']);
    for (const [p, list] of Object.entries(grouped)) {
      expect(list.map((m) => (m as { value: number }).value)).toEqual(
        messages.filter((m) => m.value % 5 === Number(p)).map((m) => m.value),
      );
    }
    expect(
      groupMessagesPerPartition({ topic: 't', partitionMetadata: [], messages, partitioner: () => 0 }),
    ).toEqual({});
  });
});
