// Record-batch compression for everything Clearway produces (KAFKA_COMPRESSION). kafkajs itself
// compresses only with gzip; zstd is added here from Node's own zlib (no native add-on), so every
// consumer built on this library reads zstd batches, as Java, librdkafka and Go clients do.
//
// Why it is off by default: an assessment is ~900 bytes, most of it explanation text that repeats
// from record to record, and zstd makes a batch of them 4–8 times smaller (20 records to 2,500),
// which pays where brokers are across a network. On one 2-core machine the broker's cost is per
// request rather than per byte: the categoriser measured no faster with it, and replay ~10 % dearer
// in CPU.
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import kafkajs, { type Kafka, type Producer, type Transaction } from 'kafkajs';

const { CompressionCodecs, CompressionTypes } = kafkajs;

const zstdCompress = promisify(zlib.zstdCompress);
const zstdDecompress = promisify(zlib.zstdDecompress);
// Level 1: the fastest; on assessment batches it shrinks nearly as much as the default level 3.
const zstdOptions = { params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } };

/** The zstd codec in kafkajs's shape: it hands over an encoder of the batch's records. */
export const zstdCodec = {
  compress: (encoder: { buffer: Buffer }) => zstdCompress(encoder.buffer, zstdOptions),
  decompress: (buffer: Buffer) => zstdDecompress(buffer),
};
CompressionCodecs[CompressionTypes.ZSTD] = () => zstdCodec;

export type CompressionName = 'none' | 'gzip' | 'zstd';

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
