import { createRequire } from 'node:module';
import {
  type BrokerLike,
  coordinatorMayHaveMoved,
  patchKafkajsCoordinatorCache,
  withCoordinatorCache,
} from './kafkajs-coordinator-cache.ts';

const require = createRequire(import.meta.url);

/** A kafkajs-shaped protocol error: `type` names the Kafka error code. */
const protocolError = (type: string) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });

/**
 * Stand-ins for kafkajs's Cluster and Broker: the cluster answers FindCoordinator from `coordinatorOf`
 * and counts the lookups; each broker's requests fail with `failWith` when it is set.
 */
function fakeCluster() {
  const brokers = new Map<number, { nodeId: number; failWith?: Error }>();
  for (const nodeId of [1, 2, 3]) brokers.set(nodeId, { nodeId });
  const state = { lookups: 0, coordinatorOf: new Map<string, number>([['g', 1]]) };
  const patched = withCoordinatorCache(
    async function (this: unknown, { groupId }) {
      state.lookups++;
      return brokers.get(state.coordinatorOf.get(groupId) ?? 1)!;
    },
    async function (this: BrokerLike) {
      const failWith = (this as { failWith?: Error }).failWith;
      if (failWith) throw failWith;
      return 'ok';
    },
  );
  const cluster = {
    findBroker: async ({ nodeId }: { nodeId: number }) => {
      const b = brokers.get(nodeId);
      if (!b) throw Object.assign(new Error('gone'), { name: 'KafkaJSBrokerNotFound' });
      return b;
    },
    find: (groupId: string, coordinatorType = 0) =>
      patched.findCoordinator.call(cluster, { groupId, coordinatorType }),
    send: (broker: BrokerLike) => patched.sendRequest.call(broker, {}),
  };
  return { cluster, brokers, state };
}

describe('kafkajs coordinator cache', () => {
  it('is installed on kafkajs, once', () => {
    expect(patchKafkajsCoordinatorCache()).toBe(true);
    expect(patchKafkajsCoordinatorCache()).toBe(true);
    const Cluster = require('kafkajs/src/cluster') as { prototype: Record<string, unknown> };
    expect(Cluster.prototype['__clearwayCoordinatorCache']).toBe(true);
  });

  it('asks the cluster once per key and coordinator type, then answers from what it found', async () => {
    const { cluster, state } = fakeCluster();
    for (let i = 0; i < 5; i++) expect((await cluster.find('g')).nodeId).toBe(1);
    expect(state.lookups).toBe(1);
    await cluster.find('g', 1); // a transactional id of the same name is another coordinator
    await cluster.find('h');
    expect(state.lookups).toBe(3);
  });

  it.each([
    ['NOT_COORDINATOR', protocolError('NOT_COORDINATOR_FOR_GROUP')],
    ['COORDINATOR_NOT_AVAILABLE', protocolError('GROUP_COORDINATOR_NOT_AVAILABLE')],
    ['a closed connection', Object.assign(new Error('closed'), { name: 'KafkaJSConnectionClosedError' })],
    ['a refused connection', Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })],
  ])('forgets what a broker coordinates after %s there, and finds the new coordinator', async (_, error) => {
    const { cluster, brokers, state } = fakeCluster();
    const first = await cluster.find('g');
    await cluster.find('other'); // also on broker 1
    state.coordinatorOf.set('g', 2);
    state.coordinatorOf.set('other', 3);
    brokers.get(1)!.failWith = error;
    await expect(cluster.send(first)).rejects.toBe(error); // the error still reaches the caller
    expect((await cluster.find('g')).nodeId).toBe(2);
    expect((await cluster.find('other')).nodeId).toBe(3);
    expect(state.lookups).toBe(4);
  });

  it('keeps its answers through errors that say nothing about where the coordinator is', async () => {
    const { cluster, brokers, state } = fakeCluster();
    const broker = await cluster.find('g');
    for (const type of ['CONCURRENT_TRANSACTIONS', 'ILLEGAL_GENERATION', 'INVALID_PRODUCER_EPOCH']) {
      brokers.get(1)!.failWith = protocolError(type);
      await expect(cluster.send(broker)).rejects.toThrow(type);
      expect(coordinatorMayHaveMoved(brokers.get(1)!.failWith)).toBe(false);
    }
    await cluster.find('g');
    expect(state.lookups).toBe(1);
  });

  it('asks the cluster again when the broker it found has left the metadata', async () => {
    const { cluster, brokers, state } = fakeCluster();
    await cluster.find('g');
    brokers.delete(1);
    state.coordinatorOf.set('g', 2);
    expect((await cluster.find('g')).nodeId).toBe(2);
    expect(state.lookups).toBe(2);
  });
});
