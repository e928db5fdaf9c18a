// A stage's next transaction often starts while the coordinator is still finishing the previous
// one: EndTxn is answered before the commit markers are written, and until they are, the coordinator
// answers AddPartitionsToTxn with CONCURRENT_TRANSACTIONS. The broker expects the client to ask again
// soon (the Java client waits 20 ms). kafkajs 2.2.4 treats it as a failed send instead: it logs an
// error, refreshes the whole cluster's metadata (another round trip), and then retries the send
// through its retrier. Counted at 1,000 declarations/s, one transaction in six went that way, and the
// services' logs filled with errors that were not errors.
//
// Here AddPartitionsToTxn and AddOffsetsToTxn ask again themselves after a few milliseconds, without
// an error log or a metadata refresh. The request carries the same partitions, producer id and
// epoch, so asking again changes nothing on the broker. After RETRIES refusals the error goes to
// kafkajs as before. Nothing is patched if kafkajs no longer has the shape this was written against.
import { createRequire } from 'node:module';
import { brokerSendRequest } from './kafkajs-broker-send.ts';

type Send = (request: unknown) => Promise<unknown>;
type RequestBuilder = (args: unknown) => Record<string, unknown>;

const RETRIES = 8;
/** Milliseconds before the next try: 2, 4, 8, 16, 20, 20 … (at most ~110 ms in all). */
export const concurrentTransactionsDelay = (attempt: number): number => Math.min(2 ** (attempt + 1), 20);

const isConcurrentTransactions = (error: unknown): boolean =>
  (error as { type?: string } | null)?.type === 'CONCURRENT_TRANSACTIONS';

/**
 * Sends `build(args)`, asking again after a short wait while the coordinator answers
 * CONCURRENT_TRANSACTIONS. kafkajs logs a refused response at error level unless told not to; the
 * refusals it will ask again after are not logged, the last one is.
 */
export async function sendAskingAgain(
  send: Send,
  build: () => Record<string, unknown>,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const last = attempt >= RETRIES;
    try {
      return await send({ ...build(), logResponseError: last });
    } catch (error) {
      if (last || !isConcurrentTransactions(error)) throw error;
      await wait(concurrentTransactionsDelay(attempt));
    }
  }
}

/** Applies the patch; true when the installed kafkajs has it (now or from an earlier call). */
export function patchKafkajsConcurrentTransactions(): boolean {
  const require = createRequire(import.meta.url);
  let Broker: { prototype: Record<string | symbol, unknown> };
  let apiKeys: Record<string, number>;
  let requests: Record<string, unknown>;
  try {
    Broker = require('kafkajs/src/broker') as typeof Broker;
    apiKeys = require('kafkajs/src/protocol/requests/apiKeys') as typeof apiKeys;
    requests = (require('kafkajs/src/protocol/requests') as { requests: typeof requests }).requests;
  } catch {
    return false;
  }
  const proto = Broker.prototype;
  if (proto['__clearwayConcurrentTransactions'] === true) return true;
  const send = brokerSendRequest(proto);
  const names = ['AddPartitionsToTxn', 'AddOffsetsToTxn'] as const;
  const methods = { AddPartitionsToTxn: 'addPartitionsToTxn', AddOffsetsToTxn: 'addOffsetsToTxn' } as const;
  // lookupRequest is set on each broker when it connects, so only its use below can be checked.
  if (
    !send ||
    names.some((n) => apiKeys[n] === undefined || !requests[n] || typeof proto[methods[n]] !== 'function')
  )
    return false;
  for (const name of names) {
    proto[methods[name]] = function (this: Record<string | symbol, unknown>, args: unknown) {
      const lookup = this['lookupRequest'] as (key: number, definition: unknown) => RequestBuilder;
      const build = lookup.call(this, apiKeys[name]!, requests[name]);
      return sendAskingAgain(
        (request) => (this[send] as Send).call(this, request),
        () => build(args),
      );
    };
  }
  proto['__clearwayConcurrentTransactions'] = true;
  return true;
}

patchKafkajsConcurrentTransactions();
