import { createRequire } from 'node:module';
import {
  concurrentTransactionsDelay,
  patchKafkajsConcurrentTransactions,
  sendAskingAgain,
} from './kafkajs-concurrent-transactions-patch.ts';

const require = createRequire(import.meta.url);
const refusal = () =>
  Object.assign(new Error('concurrent'), { name: 'KafkaJSProtocolError', type: 'CONCURRENT_TRANSACTIONS' });

/** A send that refuses `refusals` times, then answers; it records what it was given. */
function refusingSend(refusals: number, otherError?: Error) {
  const sent: Record<string, unknown>[] = [];
  const send = async (request: unknown) => {
    sent.push(request as Record<string, unknown>);
    if (otherError) throw otherError;
    if (sent.length <= refusals) throw refusal();
    return 'answer';
  };
  return { send, sent };
}

describe('kafkajs CONCURRENT_TRANSACTIONS patch', () => {
  const waits: number[] = [];
  const wait = async (ms: number) => {
    waits.push(ms);
  };
  beforeEach(() => (waits.length = 0));

  it('is installed on kafkajs, once', () => {
    expect(patchKafkajsConcurrentTransactions()).toBe(true);
    expect(patchKafkajsConcurrentTransactions()).toBe(true);
    const Broker = require('kafkajs/src/broker') as { prototype: Record<string, unknown> };
    expect(Broker.prototype['__clearwayConcurrentTransactions']).toBe(true);
  });

  it('asks again after a short wait while the coordinator is finishing the last transaction', async () => {
    const { send, sent } = refusingSend(3);
    await expect(sendAskingAgain(send, () => ({ request: 'AddPartitionsToTxn' }), wait)).resolves.toBe(
      'answer',
    );
    expect(sent).toHaveLength(4);
    expect(waits).toEqual([2, 4, 8]);
    // The refusals it asks again after are not logged by kafkajs as errors.
    expect(sent.map((r) => r['logResponseError'])).toEqual([false, false, false, false]);
    expect(sent.every((r) => r['request'] === 'AddPartitionsToTxn')).toBe(true);
  });

  it('gives the refusal to kafkajs, logged, when the coordinator keeps refusing', async () => {
    const { send, sent } = refusingSend(100);
    await expect(sendAskingAgain(send, () => ({}), wait)).rejects.toMatchObject({
      type: 'CONCURRENT_TRANSACTIONS',
    });
    expect(sent).toHaveLength(9);
    expect(sent.at(-1)!['logResponseError']).toBe(true);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThan(150);
  });

  it('passes any other error on at once', async () => {
    const fenced = Object.assign(new Error('fenced'), { type: 'INVALID_PRODUCER_EPOCH' });
    const { send, sent } = refusingSend(0, fenced);
    await expect(sendAskingAgain(send, () => ({}), wait)).rejects.toBe(fenced);
    expect(sent).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('waits 2, 4, 8, 16 ms, then 20 ms at most', () => {
    expect([0, 1, 2, 3, 4, 5].map(concurrentTransactionsDelay)).toEqual([2, 4, 8, 16, 20, 20]);
  });
});
