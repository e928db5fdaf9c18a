import { createRequire } from 'node:module';
import {
  decodeRecord,
  kafkajsDecodeRecord,
  patchKafkajsRecordDecoder,
} from './kafkajs-record-decoder-patch.ts';

const require = createRequire(import.meta.url);
type RecordEncoder = (record: {
  offsetDelta: number;
  timestampDelta: unknown;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer | (string | Buffer)[]>;
}) => { buffer: Buffer };
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as RecordEncoder;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => {
  readVarIntBytes(): Buffer;
};
const Long = require('kafkajs/src/utils/long') as { fromValue(v: string | number): unknown };

/** The record's body as the batch decoder hands it over (its length prefix read). */
const body = (record: Parameters<RecordEncoder>[0]) =>
  new Decoder(encodeRecord(record).buffer).readVarIntBytes();

describe('kafkajs record decoder patch', () => {
  it('applies to the installed kafkajs, idempotently, and kafkajs decodes with it', () => {
    expect(patchKafkajsRecordDecoder()).toBe(true);
    expect(patchKafkajsRecordDecoder()).toBe(true);
    expect(require('kafkajs/src/protocol/recordBatch/record/v0/decoder')).toBe(decodeRecord);
    expect(kafkajsDecodeRecord).not.toBeNull();
  });

  it('gives the same records as kafkajs, for small, large and negative deltas and repeated headers', () => {
    const Decode = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => never;
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const deltas = [
      0,
      1,
      -1,
      63,
      64,
      -64,
      -65,
      2 ** 31,
      -(2 ** 31),
      2 ** 47,
      -(2 ** 47),
      2 ** 48,
      2 ** 53 + 2,
    ];
    const contexts = [
      { firstOffset: '0', firstTimestamp: '1764201600000' },
      { firstOffset: '9007199254740990', firstTimestamp: '9007199254740000' }, // sums past 2^53
      { firstOffset: '123456789', firstTimestamp: '-5' },
      { firstOffset: '7', firstTimestamp: '1764201600000', timestampType: 1, maxTimestamp: '1764201699999' },
    ];
    let compared = 0;
    for (const context of contexts)
      for (let i = 0; i < 400; i++) {
        const timestampDelta = i < deltas.length ? deltas[i]! : (next() % 2_000_000) - 1_000_000;
        const headerCount = next() % 4;
        const headers: Record<string, string | string[]> = {};
        for (let h = 0; h < headerCount; h++) headers[`h${h % 2}`] = h >= 2 ? ['x', `v${h}`] : `v${h}`;
        const record = {
          offsetDelta: next() % 5_000,
          timestampDelta: Long.fromValue(String(timestampDelta)),
          key: i % 7 === 0 ? null : Buffer.from(`KEY-${i}`),
          value: i % 11 === 0 ? null : Buffer.from(`value ${next()}`),
          headers,
        };
        const ctx = { ...context, magicByte: 2, isControlBatch: i % 13 === 0 };
        const ours = decodeRecord(new Decode(body(record)), ctx);
        const theirs = kafkajsDecodeRecord!(new Decode(body(record)), ctx);
        expect(ours).toEqual(theirs);
        compared++;
      }
    expect(compared).toBe(1_600);
  });

  it('is what kafkajs decodes record batches with once the client module has loaded', async () => {
    await import('./kafka-client.ts');
    const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
      RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>;
    };
    const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
      d: unknown,
    ) => Promise<{ records: { offset: string; timestamp: string }[] }>;
    const LongClass = require('kafkajs/src/utils/long') as { fromValue: (...a: unknown[]) => unknown };
    const encoded = await RecordBatch({
      firstOffset: '5',
      firstTimestamp: 1_764_201_600_000,
      maxTimestamp: 1_764_201_600_003,
      records: [
        encodeRecord({
          offsetDelta: 0,
          timestampDelta: Long.fromValue(3),
          key: null,
          value: null,
          headers: {},
        }),
      ],
    });
    // kafkajs's own record decoder parses the batch's first offset and timestamp with Long for
    // every record; the replacement does not.
    const fromValue = LongClass.fromValue;
    let calls = 0;
    LongClass.fromValue = function (this: unknown, ...a: unknown[]) {
      calls++;
      return fromValue.apply(this, a);
    };
    try {
      const batch = await decodeBatch(new Decoder(encoded.buffer));
      expect(batch.records.map((r) => [r.offset, r.timestamp])).toEqual([['5', '1764201600003']]);
    } finally {
      LongClass.fromValue = fromValue;
    }
    expect(calls).toBe(0);
  });
});
