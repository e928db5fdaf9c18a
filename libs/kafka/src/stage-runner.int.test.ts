import { z } from 'zod';
import {
  createTestPlatform,
  eventually,
  extraTopicName,
  readTopic,
  sampleDeclaration,
  type TestPlatform,
} from '@clearway/test';
import type { DeadLetter, Declaration } from '@clearway/schemas';
import { createStage, type InboundRecord, type Stage } from './stage-runner.ts';

// Domain validation beyond the Avro schema, as a service would have.
const declarationRules = z.object({
  goods: z
    .array(z.object({ grossMassGrams: z.number().nonnegative(), netMassGrams: z.number().nonnegative() }))
    .min(1),
});
const validate = (record: InboundRecord<unknown>) => {
  const result = declarationRules.safeParse(record.value);
  return result.success
    ? undefined
    : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
};

describe('stage runner against the real broker and registry', () => {
  let platform: TestPlatform;
  const outputTopic = () => `${platform.prefix}${extraTopicName('passthrough')}`;

  beforeAll(async () => {
    platform = await createTestPlatform('stage', [
      {
        suffix: 'passthrough',
        event: 'Declaration',
        key: 'declarationId',
        partitions: 3,
        compacted: false,
        deadLetter: false,
        description: 'test output',
        producers: ['test'],
        consumers: ['test'],
      },
    ]);
  });
  afterAll(async () => platform.close());

  /** Each declaration of a batch to the output topic, unchanged. */
  const echoed = (batch: InboundRecord<Declaration>[]) =>
    batch.map((r) => ({
      records: [{ topic: outputTopic(), key: r.value.declarationId, value: r.value }],
    }));

  const passThrough = (
    groupId: string,
    onBatch?: (n: number) => Promise<void>,
    instanceId?: string,
    maxBytesPerPartition?: number,
  ): Stage => {
    let batches = 0;
    return createStage<Declaration>(platform, {
      name: 'passthrough',
      groupId,
      ...(instanceId ? { instanceId } : {}),
      ...(maxBytesPerPartition ? { maxBytesPerPartition } : {}),
      inputTopics: [platform.topics.declarations],
      deadLetterTopic: platform.topics.dlqCategoriser,
      validate,
      handle: async (batch) => {
        await onBatch?.(++batches);
        return echoed(batch);
      },
      partitionsConsumedConcurrently: 3,
    });
  };

  const publish = async (messages: { key: string; value: Buffer | null }[]) => {
    const producer = platform.kafka.producer();
    await producer.connect();
    for (let i = 0; i < messages.length; i += 500)
      await producer.send({ topic: platform.topics.declarations, messages: messages.slice(i, i + 500) });
    await producer.disconnect();
  };

  /** Publishes `total` sample declarations with ids `<prefix>-0`, `<prefix>-1`, … */
  const publishNumbered = async (prefix: string, total: number) =>
    publish(
      Array.from({ length: total }, (_, i) => ({
        key: `${prefix}-${i}`,
        value: platform.serde.encode(
          platform.topics.declarations,
          sampleDeclaration({ declarationId: `${prefix}-${i}` }),
        ),
      })),
    );

  /** Declaration ids on the output topic that start with `<prefix>-`, in the order read. */
  const outputIds = async (prefix: string) =>
    (await readTopic<Declaration>(platform.kafka, platform.serde, outputTopic(), { idleMs: 1_000 }))
      .map((o) => o.value.declarationId)
      .filter((id) => id.startsWith(`${prefix}-`));

  /**
   * Runs a fresh stage until it has consumed everything on the declarations topic so far; the topic
   * is shared with the other tests here (and their bad records).
   */
  const consumeWholeInput = async (stage: Stage) => {
    const offsets = await platform.admin.fetchTopicOffsets(platform.topics.declarations);
    const inTopic = offsets.reduce((n, p) => n + Number(p.high), 0);
    await stage.start();
    await eventually(
      () => stage.counts(),
      (c) => c.consumed >= inTopic,
    );
    await stage.stop();
  };

  it('dead-letters bad input with the reason and original bytes, keeps going, and the counts add up', async () => {
    const { serde, topics } = platform;
    await serde.registerTopic(outputTopic());
    const good = Array.from({ length: 20 }, (_, i) => sampleDeclaration({ declarationId: `GOOD-${i}` }));
    const randomBytes = Buffer.from('f3a9c2e17b', 'hex');
    const wrongMagic = Buffer.concat([
      Buffer.from([1]),
      serde.encode(topics.declarations, good[0]).subarray(1),
    ]);
    const unknownId = Buffer.concat([Buffer.from([0, 0x7f, 0xff, 0xff, 0x01]), Buffer.from('payload')]);
    const invalid = serde.encode(
      topics.declarations,
      sampleDeclaration({
        declarationId: 'BAD-MASS',
        goods: [{ ...sampleDeclaration().goods[0]!, grossMassGrams: -5 }],
      }),
    );
    const noLines = serde.encode(
      topics.declarations,
      sampleDeclaration({ declarationId: 'NO-LINES', goods: [] }),
    );
    const truncated = serde.encode(topics.declarations, good[1]).subarray(0, 30);
    const bad = [
      { key: 'random', value: randomBytes, code: 'NOT_AVRO' },
      { key: 'magic', value: wrongMagic, code: 'NOT_AVRO' },
      { key: 'unknown-id', value: unknownId, code: 'UNKNOWN_SCHEMA' },
      { key: 'BAD-MASS', value: invalid, code: 'INVALID' },
      { key: 'NO-LINES', value: noLines, code: 'INVALID' },
      { key: 'truncated', value: truncated, code: 'CORRUPT' },
    ];
    // Interleave bad records among good ones on the same keys' partitions.
    await publish([
      ...good
        .slice(0, 10)
        .map((d) => ({ key: d.declarationId, value: serde.encode(topics.declarations, d) })),
      ...bad.map(({ key, value }) => ({ key, value })),
      ...good.slice(10).map((d) => ({ key: d.declarationId, value: serde.encode(topics.declarations, d) })),
    ]);

    const stage = passThrough(`${platform.prefix}g-dlq`);
    await stage.start();
    await eventually(
      () => stage.counts(),
      (c) => c.consumed >= good.length + bad.length,
    );
    await stage.stop();

    const outputs = await readTopic<Declaration>(platform.kafka, serde, outputTopic(), {
      count: good.length,
    });
    const letters = await readTopic<DeadLetter>(platform.kafka, serde, topics.dlqCategoriser, {
      count: bad.length,
    });
    expect(outputs.map((o) => o.value.declarationId).sort()).toEqual(good.map((d) => d.declarationId).sort());
    expect(letters).toHaveLength(bad.length);
    for (const b of bad) {
      const letter = letters.find((l) => l.key === b.key)?.value;
      expect(letter).toBeDefined();
      expect(letter?.reasonCode).toBe(b.code);
      expect(letter?.reason.length).toBeGreaterThan(5);
      expect(letter?.value?.equals(b.value)).toBe(true);
      expect(letter?.sourceTopic).toBe(topics.declarations);
      expect(letter?.stage).toBe('passthrough');
    }
    const byReason: Record<string, string> = Object.fromEntries(
      letters.map((l) => [l.key ?? '', l.value.reason]),
    );
    expect(byReason['BAD-MASS']).toMatch(/grossMassGrams/);
    expect(byReason['NO-LINES']).toMatch(/goods/);
    const counts = stage.counts();
    expect(counts.consumed).toBe(counts.produced); // one output or one dead letter per input
    expect(outputs.length + letters.length).toBe(good.length + bad.length);
  });

  it('builds only the selected fields of a projected input, and still dead-letters its bad records whole', async () => {
    const { serde, topics } = platform;
    const sent = Array.from({ length: 6 }, (_, i) => sampleDeclaration({ declarationId: `PROJ-${i}` }));
    const truncated = serde.encode(topics.declarations, sent[0]).subarray(0, 30);
    await publish([
      ...sent.map((d) => ({ key: d.declarationId, value: serde.encode(topics.declarations, d) })),
      { key: 'PROJ-truncated', value: truncated },
    ]);
    const seen: unknown[] = [];
    const group = `${platform.prefix}g-projected`;
    expect(() =>
      createStage(platform, {
        name: 'projected',
        groupId: group,
        inputTopics: [topics.declarations],
        deadLetterTopic: topics.dlqDispatcher,
        inputFields: { [topics.riskAssessments]: { declarationId: true } },
        handle: async () => [],
      }),
    ).toThrow(/inputFields names .*risk-assessments.* not an input topic/);
    const stage = createStage<Pick<Declaration, 'declarationId'>>(platform, {
      name: 'projected',
      groupId: group,
      inputTopics: [topics.declarations],
      deadLetterTopic: topics.dlqDispatcher,
      inputFields: { [topics.declarations]: { declarationId: true, goods: { hsCode: true } } },
      handle: async (batch) => {
        seen.push(...batch.map((r) => r.value));
        return batch.map(() => ({ records: [] }));
      },
    });
    await consumeWholeInput(stage);
    const letters = await readTopic<DeadLetter>(platform.kafka, serde, topics.dlqDispatcher, {
      count: stage.counts().deadLettered,
    });
    const letter = letters.find((l) => l.key === 'PROJ-truncated')?.value;

    const mine = seen.filter((v) => (v as Declaration).declarationId.startsWith('PROJ-'));
    expect(mine).toHaveLength(sent.length);
    for (const v of mine) {
      const d = sent.find((s) => s.declarationId === (v as Declaration).declarationId)!;
      // Exactly the selected fields: nothing else was built.
      expect(v).toEqual({
        declarationId: d.declarationId,
        goods: d.goods.map((g) => ({ hsCode: g.hsCode })),
      });
    }
    expect(letter?.reasonCode).toBe('CORRUPT');
    expect(letter?.value?.equals(truncated)).toBe(true);
  });

  it("commits outputs of several MiB per partition: each request keeps every partition's batch under the broker's limit", async () => {
    const { serde, topics } = platform;
    await serde.registerTopic(outputTopic());
    const inputs = Array.from({ length: 40 }, (_, i) => sampleDeclaration({ declarationId: `BIG-${i}` }));
    await publish(inputs.map((d) => ({ key: d.declarationId, value: serde.encode(topics.declarations, d) })));
    // 40 outputs of ~100 KB on 3 partitions: ~1.3 MB each, over Kafka's default max.message.bytes
    // (1 MiB) had a partition's share of a commit gone out in one request.
    const padding = 'x'.repeat(100_000);
    const stage = createStage<Declaration>(platform, {
      name: 'big-outputs',
      groupId: `${platform.prefix}g-big`,
      inputTopics: [topics.declarations],
      deadLetterTopic: topics.dlqCategoriser,
      maxBytesPerPartition: 8 * 1024 * 1024,
      handle: async (batch) =>
        batch.map((r) => ({
          records: r.value.declarationId.startsWith('BIG-')
            ? [
                {
                  topic: outputTopic(),
                  key: r.value.declarationId,
                  value: { ...r.value, goods: r.value.goods.map((g) => ({ ...g, description: padding })) },
                },
              ]
            : [],
        })),
    });
    await consumeWholeInput(stage);
    const outputs = (await readTopic<Declaration>(platform.kafka, serde, outputTopic())).filter((o) =>
      o.value.declarationId.startsWith('BIG-'),
    );
    expect(outputs.map((o) => o.value.declarationId).sort()).toEqual(
      inputs.map((d) => d.declarationId).sort(),
    );
    expect(outputs.every((o) => o.value.goods.every((g) => g.description.length === 100_000))).toBe(true);
  });

  it('loses nothing and duplicates nothing when stopped mid-batch and started again', async () => {
    const { serde, topics } = platform;
    const total = 3000;
    const ids = Array.from({ length: total }, (_, i) => `RESTART-${i}`);
    await publish(
      ids.map((id) => ({
        key: id,
        value: serde.encode(topics.declarations, sampleDeclaration({ declarationId: id })),
      })),
    );
    const groupId = `${platform.prefix}g-restart`;

    // First run: stop it while a batch is in the handler.
    let stopRequested: Promise<void> | undefined;
    const first: Stage = passThrough(groupId, async (n) => {
      if (n === 3 && !stopRequested) stopRequested = first.stop();
      await new Promise((r) => setTimeout(r, 50));
    });
    await first.start();
    // The probe must not return the promise itself: eventually() would await it.
    await eventually(() => stopRequested !== undefined, Boolean);
    await stopRequested;
    const firstCounts = first.counts();

    const second = passThrough(groupId);
    await second.start();
    const outputsNeeded = total + 40; // the 20 good records of the previous test, passed through by both groups
    await eventually(
      () => second.counts(),
      (c) => firstCounts.consumed + c.consumed >= total + 26,
      120_000,
    );
    await second.stop();

    const outputs = await readTopic<Declaration>(platform.kafka, serde, outputTopic(), {
      count: outputsNeeded,
    });
    const restartIds = outputs.map((o) => o.value.declarationId).filter((id) => id.startsWith('RESTART-'));
    expect(firstCounts.consumed).toBeLessThan(total);
    expect(restartIds).toHaveLength(total);
    expect(new Set(restartIds).size).toBe(total);
  });

  it('loses nothing and duplicates nothing while partitions move between two members', async () => {
    const { serde, topics } = platform;
    const total = 3000;
    const ids = Array.from({ length: total }, (_, i) => `MOVE-${i}`);
    await publish(
      ids.map((id) => ({
        key: id,
        value: serde.encode(topics.declarations, sampleDeclaration({ declarationId: id })),
      })),
    );
    const groupId = `${platform.prefix}g-move`;
    // The first member is slow until the second has taken work, so that the stream is still going
    // when members change however long the rebalance takes (CI runs test files side by side); the
    // second joins, and the first leaves, with batches in hand. Small fetches: a few records a batch.
    let secondWorking = false;
    const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
    const first = passThrough(groupId, () => sleep(secondWorking ? 10 : 200), 'member-a', 4_096);
    const second = passThrough(
      groupId,
      async () => {
        secondWorking = true;
        await sleep(10);
      },
      'member-b',
      4_096,
    );
    const before = 26 + total; // what the earlier tests published; a new group reads from the start
    await first.start();
    await eventually(
      () => first.counts().consumed,
      (n) => n > 0,
    );
    await second.start();
    await eventually(
      () => second.counts().consumed,
      (n) => n > 0,
      60_000,
    );
    const firstAtLeave = first.counts().consumed;
    await first.stop();
    await eventually(
      () => readTopic<Declaration>(platform.kafka, serde, outputTopic(), { idleMs: 500 }),
      (all) => all.filter((o) => o.value.declarationId.startsWith('MOVE-')).length >= total,
      120_000,
    );
    await second.stop();

    const moved = await outputIds('MOVE');
    expect(firstAtLeave).toBeLessThan(before + total); // the first member left mid-stream
    expect(second.counts().consumed).toBeGreaterThan(0);
    expect(moved).toHaveLength(total);
    expect(new Set(moved).size).toBe(total);
  });

  it('lets no batch commit past a failed commit, not even one already queued behind it: nothing lost or doubled', async () => {
    const { topics } = platform;
    const total = 6000;
    await publishNumbered('CFAIL', total);
    // The third batch handled also outputs a record the broker refuses (over its 1 MiB message
    // limit), once: its commit fails after sending 8 MiB, slowly enough that the next fetch's batches
    // (over 100 records each, so handled while a commit runs) are queued for the commit after it.
    // That commit must not go ahead: its offsets would pass the failed records. (Traced here: it
    // used to start with the old epoch, and was stopped only by the restart's leaving the group
    // first, a race; the failed commit now marks everything fetched before it at once.)
    let batches = 0;
    let refused = false;
    const huge = sampleDeclaration({ declarationId: 'CFAIL-HUGE' });
    huge.goods[0]!.description = 'x'.repeat(8 * 1024 * 1024);
    const stage = createStage<Declaration>(platform, {
      name: 'passthrough',
      groupId: `${platform.prefix}g-commit-fails`,
      inputTopics: [topics.declarations],
      deadLetterTopic: topics.dlqCategoriser,
      validate,
      maxBytesPerPartition: 96 * 1024,
      partitionsConsumedConcurrently: 6, // every partition in every fetch, so every commit
      handle: async (batch) => {
        const out = echoed(batch);
        if (++batches === 3 && !refused) {
          refused = true;
          out[0]!.records.push({ topic: outputTopic(), key: huge.declarationId, value: huge });
        }
        return out;
      },
    });
    await consumeWholeInput(stage);
    const passed = await outputIds('CFAIL');
    expect(refused).toBe(true);
    expect(stage.counts().restarts).toBeGreaterThan(0); // the failure path was taken
    expect(passed).not.toContain('CFAIL-HUGE');
    expect(passed).toHaveLength(total);
    expect(new Set(passed).size).toBe(total);
  });

  it("commits a batch only once its handler's beforeCommit work is done, and goes back when that work fails", async () => {
    const { topics } = platform;
    const total = 3000;
    await publishNumbered('WORK', total);
    // Every batch's work takes a while and marks its first record done; the fourth batch's work
    // fails, once. A batch committed before its work was done would be seen by afterCommit.
    const done = new Set<string>();
    const committedEarly: string[] = [];
    let batches = 0;
    let failed = false;
    const stage = createStage<Declaration>(platform, {
      name: 'passthrough',
      groupId: `${platform.prefix}g-before-commit`,
      inputTopics: [topics.declarations],
      deadLetterTopic: topics.dlqCategoriser,
      validate,
      maxBytesPerPartition: 64 * 1024,
      handle: async (batch, { beforeCommit }) => {
        const first = `${batch[0]!.partition}:${batch[0]!.offset}`;
        const fail = ++batches === 4 && !failed;
        failed ||= fail;
        beforeCommit(
          new Promise<void>((resolve, reject) =>
            setTimeout(() => {
              if (fail) return reject(new Error('state write failed'));
              done.add(first);
              resolve();
            }, 40),
          ),
        );
        return echoed(batch);
      },
      afterCommit: (batch) => {
        const first = `${batch[0]!.partition}:${batch[0]!.offset}`;
        if (!done.has(first)) committedEarly.push(first);
      },
    });
    await consumeWholeInput(stage);
    const passed = await outputIds('WORK');
    expect(failed).toBe(true);
    expect(stage.counts().restarts).toBeGreaterThan(0);
    expect(committedEarly).toEqual([]);
    expect(passed).toHaveLength(total);
    expect(new Set(passed).size).toBe(total);
  });

  it('goes back to the committed offsets when a commit fails (its producer fenced): nothing lost or doubled', async () => {
    const { serde, kafka } = platform;
    const total = 2000;
    await publishNumbered('FENCE', total);
    const groupId = `${platform.prefix}g-fence`;
    let fenced = false;
    // Mid-stream, another producer takes the stage's transactional id: the stage's producer is fenced
    // and its next commit fails, after kafkajs has fetched on.
    const stage = passThrough(
      groupId,
      async (n) => {
        if (n === 5 && !fenced) {
          fenced = true;
          const intruder = kafka.producer({
            transactionalId: `${groupId}.fenced-member`,
            idempotent: true,
            maxInFlightRequests: 1,
          });
          await intruder.connect();
          await (await intruder.transaction()).abort(); // kafkajs's InitProducerId comes with the first transaction
          await intruder.disconnect();
        }
        await new Promise((r) => setTimeout(r, 10));
      },
      'fenced-member',
      4_096,
    );
    await stage.start();
    const isFence = (id: string) => id.startsWith('FENCE-');
    await eventually(
      () => readTopic<Declaration>(kafka, serde, outputTopic(), { idleMs: 500 }),
      (all) => all.filter((o) => isFence(o.value.declarationId)).length >= total,
      120_000,
    );
    await stage.stop();
    const passed = await outputIds('FENCE');
    expect(fenced).toBe(true);
    expect(stage.counts().restarts).toBeGreaterThan(0); // the failure path was taken
    expect(passed).toHaveLength(total);
    expect(new Set(passed).size).toBe(total);
  });
});
