// Exactly-once across group members without one producer per partition (KIP-447), for kafkajs 2.2.4,
// which has none of it.
//
// kafkajs commits a transaction's consumed offsets with TxnOffsetCommit v0/v1, which carry no group
// generation, so a member that lost its partitions in a rebalance can still commit them. The usual
// answer without KIP-447 is a transactional producer per input partition, so the partition's new
// owner fences the old one; but then every partition batch is its own transaction, and on a small
// machine the broker's work per transaction is what runs out. With KIP-447 one transaction can carry
// every partition a member holds:
//   - TxnOffsetCommit v3 names the member and generation the batch was fetched under, and the group
//     coordinator refuses it (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID) once the group has moved on, so
//     the zombie's transaction cannot commit;
//   - OffsetFetch v7 with require_stable answers UNSTABLE_OFFSET_COMMIT while some transaction still
//     holds offsets for a partition, so a new owner reads its start only once the old owner's commit
//     or abort is final.
// Both are flexible-version requests (compact strings, tagged fields). kafkajs writes the request
// header v1; header v2 is v1 plus a tagged-field section, which the request body below starts with.
// Likewise the response header's tagged fields are the first thing its decoder reads.
import { createRequire } from 'node:module';
import { brokerSendRequest } from './kafkajs-broker-send.ts';

export interface GroupMembership {
  groupId: string;
  generationId: number;
  memberId: string;
  /** Partitions this member was given by the last sync, per topic. */
  assigned: Map<string, number[]>;
}

interface KafkajsBroker {
  versions: Record<number, { minVersion: number; maxVersion: number }> | null;
  txnOffsetCommit(args: TxnOffsetCommitArgs): Promise<unknown>;
}
interface KafkajsCluster {
  findGroupCoordinator(args: { groupId: string }): Promise<KafkajsBroker>;
}
interface TxnOffsetCommitArgs {
  transactionalId: string;
  groupId: string;
  producerId: number | string;
  producerEpoch: number;
  topics: { topic: string; partitions: { partition: number; offset: string; metadata?: string | null }[] }[];
}
interface KafkajsCodec {
  Encoder: new () => KafkajsEncoder;
  Decoder: new (buffer: Buffer) => KafkajsDecoder;
}
interface KafkajsEncoder {
  writeInt8(v: number): KafkajsEncoder;
  writeInt16(v: number): KafkajsEncoder;
  writeInt32(v: number): KafkajsEncoder;
  writeInt64(v: string | number | bigint): KafkajsEncoder;
  writeBoolean(v: boolean): KafkajsEncoder;
  writeUVarInt(v: number): KafkajsEncoder;
  writeUVarIntString(v: string | null): KafkajsEncoder;
}
interface KafkajsDecoder {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readUVarInt(): number;
  readUVarIntString(): string | null;
  readTaggedFields(): unknown;
}

const TXN_OFFSET_COMMIT = 28;
const OFFSET_FETCH = 9;
const TXN_OFFSET_COMMIT_VERSION = 3;
const OFFSET_FETCH_VERSION = 7;
const UNSTABLE_OFFSET_COMMIT = 88;

const require = createRequire(import.meta.url);
/** By group and member id: a process may hold several members of one group (tests do). */
const memberships = new Map<string, GroupMembership>();
const clusters = new WeakMap<GroupMembership, KafkajsCluster>();
/** Generation and member to send with the next TxnOffsetCommit of a transactional id. */
const commitAs = new Map<string, { generationId: number; memberId: string }>();
let codec: KafkajsCodec | undefined;
let sendRequest: symbol | undefined;
let errors: { createErrorFromCode(code: number): Error; failure(code: number): boolean } | undefined;

/**
 * A member's generation and assignment as of its last join (the member id is in kafkajs's GROUP_JOIN
 * event): batches fetched since then were fetched under it.
 */
export function groupMembership(groupId: string, memberId: string): GroupMembership | undefined {
  return memberships.get(`${groupId}|${memberId}`);
}

/**
 * Makes the next offsets a transactional producer sends for a group carry this member and
 * generation (TxnOffsetCommit v3), so the coordinator refuses them if the group has moved on.
 */
export function commitOffsetsAs(
  transactionalId: string,
  membership: { generationId: number; memberId: string },
): void {
  commitAs.set(transactionalId, membership);
}

/** Which error names mean "the group moved on": the batch must be fetched again after the rejoin. */
export const isGenerationError = (error: unknown): boolean =>
  error instanceof Error &&
  ['ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID', 'REBALANCE_IN_PROGRESS'].includes(
    (error as { type?: string }).type ?? '',
  );

function assertSupported(broker: KafkajsBroker, apiKey: number, version: number, what: string): void {
  const range = broker.versions?.[apiKey];
  if (!range || range.maxVersion < version)
    throw new Error(
      `the Kafka broker does not support ${what} v${version} (Kafka 2.5 or later is needed for exactly-once processing)`,
    );
}

/**
 * Sends a flexible-version request on kafkajs's connection to `broker`, once the broker is known to
 * support it, and resolves to what `decode` reads from the response.
 */
function sendFlexible<R>(
  broker: KafkajsBroker,
  apiKey: number,
  apiVersion: number,
  apiName: string,
  body: (e: KafkajsEncoder) => void,
  decode: (d: KafkajsDecoder) => R,
): Promise<R> {
  assertSupported(broker, apiKey, apiVersion, apiName);
  const { Encoder, Decoder } = codec!;
  const protocolRequest = {
    request: {
      apiKey,
      apiVersion,
      apiName,
      encode: async () => {
        const encoder = new Encoder();
        encoder.writeUVarInt(0); // request header v2: no tagged fields
        body(encoder);
        return encoder;
      },
    },
    response: {
      decode: async (raw: Buffer) => {
        const decoder = new Decoder(raw);
        decoder.readTaggedFields(); // response header v1
        return decode(decoder);
      },
      parse: async (data: unknown) => data,
    },
  };
  const method = (broker as unknown as Record<symbol, (r: unknown) => Promise<R>>)[sendRequest!]!;
  return method.call(broker, protocolRequest);
}

/**
 * The topics of a flexible response, each an array of partitions read by `partition`, flattened;
 * tagged fields after each partition and topic are skipped.
 */
function readTopicPartitions<P>(d: KafkajsDecoder, partition: (d: KafkajsDecoder, topic: string) => P): P[] {
  const out: P[] = [];
  const topics = d.readUVarInt() - 1;
  for (let t = 0; t < topics; t++) {
    const topic = d.readUVarIntString()!;
    const count = d.readUVarInt() - 1;
    for (let p = 0; p < count; p++) {
      out.push(partition(d, topic));
      d.readTaggedFields();
    }
    d.readTaggedFields();
  }
  return out;
}

/** TxnOffsetCommit v3: v1's fields plus the group generation, member and instance id. */
async function txnOffsetCommitV3(
  broker: KafkajsBroker,
  args: TxnOffsetCommitArgs,
  member: { generationId: number; memberId: string },
): Promise<unknown> {
  const codes = await sendFlexible(
    broker,
    TXN_OFFSET_COMMIT,
    TXN_OFFSET_COMMIT_VERSION,
    'TxnOffsetCommit',
    (e) => {
      e.writeUVarIntString(args.transactionalId)
        .writeUVarIntString(args.groupId)
        .writeInt64(String(args.producerId))
        .writeInt16(args.producerEpoch)
        .writeInt32(member.generationId)
        .writeUVarIntString(member.memberId)
        .writeUVarIntString(null) // group instance id: members are dynamic
        .writeUVarInt(args.topics.length + 1);
      for (const t of args.topics) {
        e.writeUVarIntString(t.topic).writeUVarInt(t.partitions.length + 1);
        for (const p of t.partitions)
          e.writeInt32(p.partition)
            .writeInt64(p.offset)
            .writeInt32(-1) // committed leader epoch: unknown
            .writeUVarIntString(p.metadata ?? null)
            .writeUVarInt(0);
        e.writeUVarInt(0);
      }
      e.writeUVarInt(0);
    },
    (d) => {
      d.readInt32(); // throttle time
      const codes = readTopicPartitions(d, (p) => {
        p.readInt32(); // partition
        return p.readInt16(); // error code
      });
      // Thrown while the request is being sent, so the coordinator cache sees a NOT_COORDINATOR.
      const failed = codes.find((code) => errors!.failure(code));
      if (failed !== undefined) throw errors!.createErrorFromCode(failed);
      return codes;
    },
  );
  return codes;
}

/**
 * The group's committed offsets for the given partitions once no transaction holds offsets for them
 * (OffsetFetch v7, require_stable): the first offset the new owner must process. -1n: none committed.
 * Waits while UNSTABLE_OFFSET_COMMIT, at most `maxWaitMs` (a dead producer's transaction is aborted
 * by the broker after its timeout); `onWait` is called each time (e.g. to heartbeat).
 */
export async function fetchStableOffsets(
  membership: GroupMembership,
  partitions: Map<string, number[]>,
  options: { maxWaitMs: number; onWait?: () => Promise<void> },
): Promise<Map<string, bigint>> {
  const { groupId } = membership;
  const cluster = clusters.get(membership);
  if (!cluster) throw new Error(`fetchStableOffsets: ${groupId} is not a membership of this process`);
  const deadline = Date.now() + options.maxWaitMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 500)) {
    const broker = await cluster.findGroupCoordinator({ groupId });
    const rows = await sendFlexible(
      broker,
      OFFSET_FETCH,
      OFFSET_FETCH_VERSION,
      'OffsetFetch',
      (e) => {
        e.writeUVarIntString(groupId).writeUVarInt(partitions.size + 1);
        for (const [topic, list] of partitions) {
          e.writeUVarIntString(topic).writeUVarInt(list.length + 1);
          for (const p of list) e.writeInt32(p);
          e.writeUVarInt(0);
        }
        e.writeBoolean(true).writeUVarInt(0); // require_stable
      },
      (d) => {
        d.readInt32(); // throttle time
        const out = readTopicPartitions(d, (p, topic) => {
          const partition = p.readInt32();
          const offset = p.readInt64().toString();
          p.readInt32(); // leader epoch
          p.readUVarIntString(); // metadata
          return { topic, partition, offset, code: p.readInt16() };
        });
        const code = d.readInt16();
        if (code !== 0) out.push({ topic: '', partition: -1, offset: '-1', code });
        // Thrown while the request is being sent, so the coordinator cache sees a NOT_COORDINATOR.
        const failed = out.find((r) => r.code !== 0 && r.code !== UNSTABLE_OFFSET_COMMIT);
        if (failed) throw errors!.createErrorFromCode(failed.code);
        return out;
      },
    );
    const unstable = rows.some((r) => r.code === UNSTABLE_OFFSET_COMMIT);
    if (!unstable) return new Map(rows.map((r) => [`${r.topic}:${r.partition}`, BigInt(r.offset)]));
    if (Date.now() > deadline) throw errors!.createErrorFromCode(UNSTABLE_OFFSET_COMMIT); // retriable: the consumer restarts
    await options.onWait?.();
    await new Promise((r) => setTimeout(r, delay));
  }
}

/** Applies the patch; true when the installed kafkajs has the shape it was written against. */
export function patchKafkajsGroupFencing(): boolean {
  let ConsumerGroup: { prototype: Record<string | symbol, unknown> };
  let Broker: { prototype: Record<string | symbol, unknown> };
  try {
    ConsumerGroup = require('kafkajs/src/consumer/consumerGroup') as typeof ConsumerGroup;
    Broker = require('kafkajs/src/broker') as typeof Broker;
    codec = {
      Encoder: require('kafkajs/src/protocol/encoder') as KafkajsCodec['Encoder'],
      Decoder: require('kafkajs/src/protocol/decoder') as KafkajsCodec['Decoder'],
    };
    errors = require('kafkajs/src/protocol/error') as NonNullable<typeof errors>;
  } catch {
    return false;
  }
  const broker = Broker.prototype;
  if (broker['__clearwayFencing'] === true) return true;
  sendRequest = brokerSendRequest(broker);
  const joinAndSync = ConsumerGroup.prototype['joinAndSync'];
  const txnOffsetCommit = broker['txnOffsetCommit'];
  if (!sendRequest || typeof joinAndSync !== 'function' || typeof txnOffsetCommit !== 'function')
    return false;

  ConsumerGroup.prototype['joinAndSync'] = async function (this: {
    groupId: string;
    generationId: number;
    memberId: string;
    cluster: KafkajsCluster;
    assigned(): { topic: string; partitions: number[] }[];
  }) {
    const result = await (joinAndSync as () => Promise<unknown>).call(this);
    const membership: GroupMembership = {
      groupId: this.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      assigned: new Map(this.assigned().map(({ topic, partitions }) => [topic, [...partitions]])),
    };
    memberships.set(`${this.groupId}|${this.memberId}`, membership);
    clusters.set(membership, this.cluster);
    return result;
  };
  broker['txnOffsetCommit'] = function (this: KafkajsBroker, args: TxnOffsetCommitArgs) {
    const member = commitAs.get(args.transactionalId);
    return member
      ? txnOffsetCommitV3(this, args, member)
      : (txnOffsetCommit as (a: TxnOffsetCommitArgs) => Promise<unknown>).call(this, args);
  };
  broker['__clearwayFencing'] = true;
  return true;
}

patchKafkajsGroupFencing();
