// Record-batch compression. kafkajs itself knows only gzip, and fails on a batch in any other codec:
// one upstream system producing with Java's lz4 or snappy would stop the categoriser. So every
// consumer built on this library reads all four codecs Kafka has: zstd from Node's own zlib, lz4 and
// snappy from pure-JS decoders of the frames Kafka's Java client writes (tested against its bytes).
// What Clearway produces is compressed as KAFKA_COMPRESSION says: none, gzip or zstd.
//
// Why it is off by default: an assessment is ~900 bytes, most of it explanation text that repeats
// from record to record, and zstd makes a batch of them 4–8 times smaller (20 records to 2,500),
// which pays where brokers are across a network. On one 2-core machine the broker's cost is per
// request rather than per byte: the categoriser measured no faster with it, and replay ~10 % dearer
// in CPU.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import kafkajs, { type Kafka, type Producer, type Transaction } from 'kafkajs';
import type { KafkaSettings } from '@clearway/config';
import lz4 from 'lz4js';
import snappy from 'snappyjs';

const { CompressionCodecs, CompressionTypes } = kafkajs;

/** A codec as kafkajs uses one: it hands over an encoder of the batch's records, and takes a buffer back. */
export interface RecordBatchCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}
/** kafkajs's codec factories by compression type, typed (kafkajs types them loosely). */
export const codecFactories = CompressionCodecs as unknown as Record<number, () => RecordBatchCodec>;

const zstdCompress = promisify(zlib.zstdCompress);
const zstdDecompress = promisify(zlib.zstdDecompress);
// Level 1: the fastest; on assessment batches it shrinks nearly as much as the default level 3.
const zstdOptions = { params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } };

/** zstd from Node's zlib, on libuv's thread pool. */
export const zstdCodec: RecordBatchCodec = {
  compress: (encoder) => zstdCompress(encoder.buffer, zstdOptions),
  decompress: (buffer) => zstdDecompress(buffer),
};
codecFactories[CompressionTypes.ZSTD] = () => zstdCodec;

/** The decoders' output as a Buffer over the same memory, no copy. */
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

const readOnly = (codec: string) => async (): Promise<Buffer> => {
  throw new Error(
    `Clearway reads ${codec} batches but does not write them; KAFKA_COMPRESSION offers gzip and zstd`,
  );
};

/** LZ4 as Kafka writes it (magic v2): an LZ4 frame of independent blocks. */
export const lz4Codec: RecordBatchCodec = {
  compress: readOnly('lz4'),
  decompress: async (buffer: Buffer): Promise<Buffer> => {
    return asBuffer(lz4.decompress(buffer));
  },
};
codecFactories[CompressionTypes.LZ4] = () => lz4Codec;

// Kafka's Java client writes snappy in snappy-java's stream framing: this 8-byte magic, two 4-byte
// versions, then blocks, each a 4-byte big-endian length and that many bytes of raw snappy. Other
// clients (librdkafka, Go) may send one raw snappy block, which has no magic.
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_LENGTH = 16;

const unsnappy = (block: Buffer): Buffer => asBuffer(snappy.uncompress(block));

/** Snappy as Kafka's clients write it: snappy-java's framing, or one raw block. */
export const snappyCodec: RecordBatchCodec = {
  compress: readOnly('snappy'),
  decompress: async (buffer: Buffer): Promise<Buffer> => {
    if (buffer.length < XERIAL_HEADER_LENGTH || !buffer.subarray(0, 8).equals(XERIAL_MAGIC))
      return unsnappy(buffer);
    const blocks: Buffer[] = [];
    let at = XERIAL_HEADER_LENGTH;
    while (at < buffer.length) {
      if (at + 4 > buffer.length) throw new Error('snappy: truncated block length');
      const length = buffer.readUInt32BE(at);
      at += 4;
      if (at + length > buffer.length) throw new Error('snappy: truncated block');
      blocks.push(unsnappy(buffer.subarray(at, at + length)));
      at += length;
    }
    return Buffer.concat(blocks);
  },
};
codecFactories[CompressionTypes.Snappy] = () => snappyCodec;

/** The KAFKA_COMPRESSION setting's values. */
export type CompressionName = KafkaSettings['KAFKA_COMPRESSION'];

const codes: Record<CompressionName, number> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  zstd: CompressionTypes.ZSTD,
};

type Sender = Pick<Producer, 'send' | 'sendBatch'>;

/** Gives `sender`'s send and sendBatch a default compression; a call naming its own keeps it. */
function compressing<T extends Sender>(sender: T, compression: number): T {
  const send = sender.send.bind(sender);
  const sendBatch = sender.sendBatch.bind(sender);
  sender.send = (record) => send({ compression, ...record });
  sender.sendBatch = (batch) => sendBatch({ compression, ...batch });
  return sender;
}

/**
 * Makes every producer `kafka` creates, and every transaction of those producers, compress with
 * `name`: one setting for the whole client, so the stage runner, the simulator, the lane client and
 * the benchmarks' pass-through stages all send alike.
 */
export function withCompression(kafka: Kafka, name: CompressionName): Kafka {
  if (name === 'none') return kafka;
  const compression = codes[name];
  const createProducer = kafka.producer.bind(kafka);
  kafka.producer = (config) => {
    const producer = compressing(createProducer(config), compression);
    const transaction = producer.transaction.bind(producer);
    producer.transaction = async (): Promise<Transaction> => compressing(await transaction(), compression);
    return producer;
  };
  return kafka;
}
