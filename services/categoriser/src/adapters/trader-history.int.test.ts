// The trader-history adapter against a real Redis: what a batch reads (amendment state, trader
// counters the dispatcher keeps, first-seen pairs, booked mass) and what it records, for a batch
// larger than one script call's slice so that slicing is exercised too.
import { createTestPlatform, sampleDeclaration, type TestPlatform } from '@clearway/test';
import type { Declaration } from '@clearway/schemas';
import { createTraderHistory } from './trader-history.ts';

describe('trader history in Redis', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await createTestPlatform('trader-history');
  });
  afterAll(async () => platform.close());

  /** 4,500 declarations: 3 slices; traders and pairs repeat across slices. */
  const batch = (): Declaration[] =>
    Array.from({ length: 4_500 }, (_, i) =>
      sampleDeclaration({
        declarationId: `TH-${i}`,
        amendment: i % 3,
        declarant: { id: `DECL-${i % 7}`, name: 'Broker', country: 'KZ', aeo: null },
        consignor: { id: `CNOR-${i % 11}`, name: 'Shipper', country: 'CN', aeo: null },
        consignee: { id: `CNEE-${i % 13}`, name: 'Buyer', country: 'KZ', aeo: null },
        bookingId: i % 5 === 0 ? null : `BK-${i % 50}`,
      }),
    );

  it('reads what is stored and records each batch once, keeping first sources', async () => {
    const { redis, prefix } = platform;
    const history = createTraderHistory(redis, prefix);
    // The dispatcher's counters, and a count of declarations from before this batch.
    await redis.hset(`${prefix}traders:inspections`, 'CNOR-3', 4);
    await redis.hset(`${prefix}traders:findings`, 'CNOR-3', 2);
    await redis.hset(`${prefix}traders:seizures`, 'CNOR-3', 1);
    await redis.hset(`${prefix}traders:declarations`, 'CNEE-5', 40);
    await redis.hset(`${prefix}booking:BK-7`, 'grossMassGrams', '18000000');
    await redis.hset(`${prefix}decls`, 'TH-4000', '1|declarations:0:17');
    await redis.hset(`${prefix}pairs`, 'CNOR-1|CNEE-1', 'declarations:0:3');

    const declarations = batch();
    const lookup = await history.lookup(declarations);
    const d7 = declarations[7]!; // consignor CNOR-7, booking BK-7
    expect(lookup.context(d7, 'declarations:1:7').bookedGrossMassGrams).toBe(18_000_000);
    const d3 = declarations[3]!; // consignor CNOR-3
    expect(lookup.context(d3, 'x').consignor).toEqual({
      declarations: 0,
      inspections: 4,
      findings: 2,
      seizures: 1,
    });
    expect(lookup.context(d3, 'x').declarant).toEqual({
      declarations: 0,
      inspections: 0,
      findings: 0,
      seizures: 0,
    });
    expect(lookup.context(declarations[5]!, 'x').bookedGrossMassGrams).toBeNull(); // no booking
    expect(lookup.context(declarations[3001]!, 'x').bookedGrossMassGrams).toBeNull(); // booking not stored
    expect(lookup.amendmentState('TH-4000')).toEqual({ amendment: 1, source: 'declarations:0:17' });
    expect(lookup.amendmentState('TH-4001')).toBeNull();
    const pair1 = declarations.find((d) => d.consignor.id === 'CNOR-1' && d.consignee.id === 'CNEE-1')!;
    expect(lookup.context(pair1, 'declarations:0:3').pairSeenBefore).toBe(false); // its own record
    expect(lookup.context(pair1, 'declarations:0:99').pairSeenBefore).toBe(true);
    expect(lookup.context(declarations[2]!, 'x').pairSeenBefore).toBe(false);

    const source = (i: number) => `declarations:${i % 6}:${i}`;
    await history.record(
      declarations.map((d, i) => ({ declaration: d, source: source(i), isNew: i !== 4000 })),
    );
    const newPerTrader = new Map<string, number>();
    declarations.forEach((d, i) => {
      if (i === 4000) return;
      for (const t of new Set([d.declarant.id, d.consignor.id, d.consignee.id]))
        newPerTrader.set(t, (newPerTrader.get(t) ?? 0) + 1);
    });
    expect(lookup.context(declarations[5]!, 'x').consignee?.declarations).toBe(40); // CNEE-5
    for (const [trader, n] of newPerTrader)
      expect(await redis.hget(`${prefix}traders:declarations`, trader)).toBe(
        String(trader === 'CNEE-5' ? 40 + n : n),
      );
    expect(await redis.hget(`${prefix}traders:inspections`, 'CNOR-3')).toBe('4');
    expect(await redis.hget(`${prefix}decls`, 'TH-4499')).toBe(`${4499 % 3}|${source(4499)}`);
    expect(await redis.hlen(`${prefix}decls`)).toBe(4_500);
    // A pair keeps the source that first saw it: the one stored before, else its first declaration.
    expect(await redis.hget(`${prefix}pairs`, 'CNOR-1|CNEE-1')).toBe('declarations:0:3');
    const firstOf2 = declarations.findIndex(
      (d) => d.consignor.id === 'CNOR-2' && d.consignee.id === 'CNEE-2',
    );
    expect(await redis.hget(`${prefix}pairs`, 'CNOR-2|CNEE-2')).toBe(source(firstOf2));

    const again = await history.lookup(declarations);
    expect(again.amendmentState('TH-10')).toEqual({ amendment: 1, source: source(10) });
    expect(again.context(declarations[10]!, 'elsewhere').pairSeenBefore).toBe(true);
  });

  it('handles a slice whose traders are all new and distinct (more values than one Lua unpack takes)', async () => {
    const { redis, prefix } = platform;
    const history = createTraderHistory(redis, `${prefix}distinct:`);
    // 2,000 declarations, one script call's slice, naming 6,000 traders: 12,000 values to write.
    const declarations = Array.from({ length: 2_000 }, (_, i) =>
      sampleDeclaration({
        declarationId: `TD-${i}`,
        declarant: { id: `D-${i}`, name: 'Broker', country: 'KZ', aeo: null },
        consignor: { id: `O-${i}`, name: 'Shipper', country: 'CN', aeo: null },
        consignee: { id: `E-${i}`, name: 'Buyer', country: 'KZ', aeo: null },
      }),
    );
    await redis.hset(`${prefix}distinct:traders:seizures`, 'E-1999', 3);
    const lookup = await history.lookup(declarations);
    expect(lookup.context(declarations[1_999]!, 'x').consignee).toEqual({
      declarations: 0,
      inspections: 0,
      findings: 0,
      seizures: 3,
    });
    await history.record(declarations.map((d, i) => ({ declaration: d, source: `s:0:${i}`, isNew: true })));
    expect(await redis.hlen(`${prefix}distinct:traders:declarations`)).toBe(6_000);
    expect(await redis.hget(`${prefix}distinct:traders:declarations`, 'E-1999')).toBe('1');
    expect(await redis.hlen(`${prefix}distinct:pairs`)).toBe(2_000);
    const again = await history.lookup(declarations);
    expect(again.context(declarations[0]!, 'elsewhere').declarant?.declarations).toBe(1);
    expect(again.context(declarations[0]!, 'elsewhere').pairSeenBefore).toBe(true);
  });

  it("reads a batch's writes that were not awaited, even when Redis lost its scripts in between", async () => {
    const { redis } = platform;
    const prefix = `${platform.prefix}unawaited:`;
    const history = createTraderHistory(redis, prefix);
    const first = Array.from({ length: 50 }, (_, i) =>
      sampleDeclaration({
        declarationId: `UW-${i}`,
        consignor: { id: `UW-CNOR-${i}`, name: 'Shipper', country: 'CN', aeo: null },
      }),
    );
    // Only the lookup script is loaded: the record goes out as EVALSHA, is refused (NOSCRIPT) and is
    // sent again as EVAL, after a lookup issued behind it has already gone out.
    await redis.script('FLUSH');
    await history.lookup(first.slice(0, 1));
    const recorded = history.record(
      first.map((declaration, i) => ({ declaration, source: `t:0:${i}`, isNew: true })),
    );
    const lookup = await history.lookup(first);
    await recorded;
    for (const [i, d] of first.entries()) {
      expect(lookup.amendmentState(d.declarationId)).toEqual({ amendment: d.amendment, source: `t:0:${i}` });
      expect(lookup.context(d, 'another').consignor?.declarations).toBe(1);
    }
  });
});
