// The two halves of KIP-447 that kafkajs-group-fencing.ts adds, against the real broker: a
// transaction's offsets carry the member's generation and are refused once it is stale, and a new
// owner's read of where to start waits until no open transaction holds offsets for the partition.
import type { Consumer, Producer } from 'kafkajs';
import { createTestPlatform, eventually, type TestPlatform } from '@clearway/test';
import { commitOffsetsAs, fetchStableOffsets, groupMembership } from './kafkajs-group-fencing.ts';

describe('group fencing for kafkajs transactions (KIP-447) against the real broker', () => {
  let platform: TestPlatform;
  let consumer: Consumer;
  let memberId = '';
  const producers: Producer[] = [];
  const topic = () => platform.topics.declarations;
  const groupId = () => `${platform.prefix}fencing`;

  beforeAll(async () => {
    platform = await createTestPlatform('fencing');
    consumer = platform.kafka.consumer({ groupId: groupId(), readUncommitted: false });
    consumer.on(consumer.events.GROUP_JOIN, (e) => (memberId = e.payload.memberId));
    await consumer.connect();
    await consumer.subscribe({ topic: topic(), fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
    await eventually(() => groupMembership(groupId(), memberId), Boolean);
    // A new group can rebalance once more right after its first join (seen on a loaded machine);
    // the tests use the generation of a group that has settled.
    let settled = -1;
    await eventually(
      async () => {
        const generation = groupMembership(groupId(), memberId)?.generationId ?? -1;
        const changed = generation !== settled;
        settled = generation;
        await new Promise((r) => setTimeout(r, 1_500));
        return !changed && groupMembership(groupId(), memberId)?.generationId === settled;
      },
      Boolean,
      30_000,
    );
  });
  afterAll(async () => {
    await consumer?.disconnect();
    await Promise.all(producers.map((p) => p.disconnect().catch(() => undefined)));
    await platform.close();
  });

  const transactional = async (name: string) => {
    const producer = platform.kafka.producer({
      transactionalId: `${platform.prefix}${name}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    producers.push(producer);
    await producer.connect();
    return producer;
  };
  const offsetsOf = (offset: string) => [{ topic: topic(), partitions: [{ partition: 0, offset }] }];
  const assigned = () => new Map([[topic(), [0, 1]]]);

  it('records the generation and assignment of the member in this process', () => {
    const membership = groupMembership(groupId(), memberId)!;
    expect(membership.generationId).toBeGreaterThan(0);
    expect(membership.memberId).not.toBe('');
    const partitions = [...membership.assigned.values()].flat();
    expect(partitions.length).toBeGreaterThan(0);
  });

  it('commits offsets sent with the current generation, and refuses a stale one', async () => {
    const membership = groupMembership(groupId(), memberId)!;
    const producer = await transactional('fresh');
    const ok = await producer.transaction();
    commitOffsetsAs(`${platform.prefix}fresh`, membership);
    await ok.sendOffsets({ consumerGroupId: groupId(), topics: offsetsOf('7') });
    await ok.commit();
    const stable = await fetchStableOffsets(membership, assigned(), { maxWaitMs: 10_000 });
    expect(stable.get(`${topic()}:0`)).toBe(7n);
    expect(stable.get(`${topic()}:1`)).toBe(-1n);

    const zombie = await producer.transaction();
    commitOffsetsAs(`${platform.prefix}fresh`, { ...membership, generationId: membership.generationId - 1 });
    await expect(zombie.sendOffsets({ consumerGroupId: groupId(), topics: offsetsOf('99') })).rejects.toThrow(
      /generation/i,
    );
    await zombie.abort();
    // A producer of its own: right after an abort, the coordinator answers CONCURRENT_TRANSACTIONS.
    const other = await transactional('stranger');
    commitOffsetsAs(`${platform.prefix}stranger`, { ...membership, memberId: 'not-a-member' });
    const stranger = await other.transaction();
    await expect(
      stranger.sendOffsets({ consumerGroupId: groupId(), topics: offsetsOf('99') }),
    ).rejects.toThrow(/member/i);
    await stranger.abort();
    const after = await fetchStableOffsets(membership, assigned(), { maxWaitMs: 10_000 });
    expect(after.get(`${topic()}:0`)).toBe(7n);
  });

  it('waits to read where a partition starts until the transaction holding its offsets ends', async () => {
    const membership = groupMembership(groupId(), memberId)!;
    const producer = await transactional('slow');
    const open = await producer.transaction();
    commitOffsetsAs(`${platform.prefix}slow`, membership);
    await open.sendOffsets({ consumerGroupId: groupId(), topics: offsetsOf('42') });

    let waits = 0;
    let answer: Map<string, bigint> | undefined;
    const reading = fetchStableOffsets(membership, assigned(), {
      maxWaitMs: 30_000,
      onWait: async () => {
        waits++;
      },
    }).then((r) => (answer = r));
    await eventually(
      () => waits,
      (n) => n >= 3,
    );
    expect(answer).toBeUndefined(); // still held by the open transaction
    await open.commit();
    await reading;
    expect(answer?.get(`${topic()}:0`)).toBe(42n);

    // Without a wait limit long enough, the caller is told, with a retriable error.
    const held = await producer.transaction();
    await held.sendOffsets({ consumerGroupId: groupId(), topics: offsetsOf('43') });
    await expect(fetchStableOffsets(membership, assigned(), { maxWaitMs: 200 })).rejects.toMatchObject({
      type: 'UNSTABLE_OFFSET_COMMIT',
      retriable: true,
    });
    await held.abort();
    const afterAbort = await fetchStableOffsets(membership, assigned(), { maxWaitMs: 10_000 });
    expect(afterAbort.get(`${topic()}:0`)).toBe(42n);
  });

  it('asks where the coordinators are once, not before every request of every transaction', async () => {
    // kafkajs-coordinator-cache.ts: stock kafkajs sends four FindCoordinator requests per transaction.
    const membership = groupMembership(groupId(), memberId)!;
    const producer = await transactional('steady');
    const lookups: string[] = [];
    producer.on(producer.events.REQUEST, (e) => {
      if (e.payload.apiName === 'GroupCoordinator') lookups.push(e.payload.apiName);
    });
    commitOffsetsAs(`${platform.prefix}steady`, membership);
    for (let i = 1; i <= 10; i++) {
      const transaction = await producer.transaction();
      await transaction.send({ topic: topic(), messages: [{ key: `k${i}`, value: null }] });
      await transaction.sendOffsets({ consumerGroupId: groupId(), topics: offsetsOf(String(100 + i)) });
      await transaction.commit();
    }
    // One lookup for the transaction coordinator, one for the group's.
    expect(lookups.length).toBeLessThanOrEqual(2);
    const stable = await fetchStableOffsets(membership, assigned(), { maxWaitMs: 10_000 });
    expect(stable.get(`${topic()}:0`)).toBe(110n);
  });
});
