// kafkajs 2.2.4 asks where a coordinator is (FindCoordinator) before every coordinator request and
// never keeps the answer. A transaction asks four times: for AddPartitionsToTxn, AddOffsetsToTxn,
// TxnOffsetCommit (the group's coordinator) and EndTxn. Counted at 1,000 declarations/s, those lookups
// were 40 % of all requests the stages sent, each a round trip in the middle of the commit and a
// request the broker must serve.
//
// The patch keeps each answer, per client (kafkajs's Cluster) and per coordinator type and key. It
// forgets every answer that names a broker once a request to that broker fails with one of:
//   - NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE (the coordinator moved);
//   - a connection error or timeout.
// The next lookup then asks the cluster again, and kafkajs's own retries recover as before.
// Nothing is patched if the installed kafkajs no longer has the shape this was written against.
import { createRequire } from 'node:module';
import { brokerSendRequest } from './kafkajs-broker-send.ts';

export interface BrokerLike {
  nodeId?: number;
}
interface ClusterLike {
  findBroker(args: { nodeId: number }): Promise<BrokerLike>;
}
type FindCoordinator = (
  this: ClusterLike,
  args: { groupId: string; coordinatorType?: number },
) => Promise<BrokerLike>;
type SendRequest = (this: BrokerLike, request: unknown) => Promise<unknown>;

/** kafkajs error types that say the coordinator is not (or no longer) where it was found. */
const MOVED = new Set(['NOT_COORDINATOR_FOR_GROUP', 'GROUP_COORDINATOR_NOT_AVAILABLE']);
/** kafkajs error names for a broker that could not be reached or did not answer. */
const UNREACHABLE = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
]);

/** Whether an error from a request to a broker means coordinators found there may have moved. */
export function coordinatorMayHaveMoved(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { type, code } = error as { type?: string; code?: string };
  return MOVED.has(type ?? '') || UNREACHABLE.has(error.name) || code === 'ECONNREFUSED';
}

/**
 * The coordinators found, per client. An answer is kept with the broker's "forget count" at the time;
 * forgetting a broker bumps its count, which drops every answer naming it in every client at once.
 * Node ids are per cluster, so a process with clients of two clusters may forget an answer it did
 * not need to: that costs one lookup, never a wrong answer.
 */
export function createCoordinatorCache() {
  const answers = new WeakMap<object, Map<string, { nodeId: number; forgets: number }>>();
  const forgetCounts = new Map<number, number>();
  const forgetsOf = (nodeId: number) => forgetCounts.get(nodeId) ?? 0;
  return {
    get(client: object, key: string): number | undefined {
      const known = answers.get(client)?.get(key);
      return known && known.forgets === forgetsOf(known.nodeId) ? known.nodeId : undefined;
    },
    set(client: object, key: string, nodeId: number): void {
      let map = answers.get(client);
      if (!map) answers.set(client, (map = new Map<string, { nodeId: number; forgets: number }>()));
      map.set(key, { nodeId, forgets: forgetsOf(nodeId) });
    },
    delete(client: object, key: string): void {
      answers.get(client)?.delete(key);
    },
    forgetBroker(nodeId: number): void {
      forgetCounts.set(nodeId, forgetsOf(nodeId) + 1);
    },
  };
}

/** Wraps a Cluster's findGroupCoordinator and a Broker's request sending with the cache. */
export function withCoordinatorCache(
  findCoordinator: FindCoordinator,
  sendRequest: SendRequest,
  cache = createCoordinatorCache(),
): { findCoordinator: FindCoordinator; sendRequest: SendRequest } {
  return {
    async findCoordinator(args) {
      const key = `${args.coordinatorType ?? 0}|${args.groupId}`;
      const nodeId = cache.get(this, key);
      if (nodeId !== undefined) {
        try {
          return await this.findBroker({ nodeId });
        } catch {
          cache.delete(this, key); // gone from the metadata: ask the cluster, as kafkajs would
        }
      }
      const broker = await findCoordinator.call(this, args);
      if (typeof broker.nodeId === 'number') cache.set(this, key, broker.nodeId);
      return broker;
    },
    sendRequest(request) {
      return sendRequest.call(this, request).catch((error: unknown) => {
        if (typeof this.nodeId === 'number' && coordinatorMayHaveMoved(error))
          cache.forgetBroker(this.nodeId);
        throw error;
      });
    },
  };
}

/** Applies the patch; true when the installed kafkajs has it (now or from an earlier call). */
export function patchKafkajsCoordinatorCache(): boolean {
  const require = createRequire(import.meta.url);
  let Cluster: { prototype: Record<string | symbol, unknown> };
  let Broker: { prototype: Record<string | symbol, unknown> };
  try {
    Cluster = require('kafkajs/src/cluster') as typeof Cluster;
    Broker = require('kafkajs/src/broker') as typeof Broker;
  } catch {
    return false;
  }
  if (Cluster.prototype['__clearwayCoordinatorCache'] === true) return true;
  const send = brokerSendRequest(Broker.prototype);
  const find = Cluster.prototype['findGroupCoordinator'];
  if (!send || typeof find !== 'function' || typeof Broker.prototype[send] !== 'function') return false;
  const patched = withCoordinatorCache(find as FindCoordinator, Broker.prototype[send] as SendRequest);
  Cluster.prototype['findGroupCoordinator'] = patched.findCoordinator;
  Broker.prototype[send] = patched.sendRequest;
  Cluster.prototype['__clearwayCoordinatorCache'] = true;
  return true;
}

patchKafkajsCoordinatorCache();
