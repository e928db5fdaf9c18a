// kafkajs logs every error response at ERROR level (its connection's "Response <Api>" entry), also the
// ones it retries as a matter of course: a fresh broker's group coordinator still loading, a leader
// moving, a commit racing the previous one. A healthy start-up then printed ERROR lines that alerting
// would page on. Those transient answers are logged at INFO here; a retry that gives up still fails
// the caller, which reports it. Every other error response stays an ERROR.
import { createRequire } from 'node:module';

export type LogLevelName = 'error' | 'warn' | 'info' | 'debug';

/**
 * Kafka error codes that are part of normal operation: coordinators and leaders moving or loading, a
 * group rebalancing, transactions in progress. Not here, on purpose: storage, replication and
 * corruption errors (also "retriable" to kafkajs, but an operator must see them).
 */
const transientCodes = [
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'GROUP_LOAD_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
  'REBALANCE_IN_PROGRESS',
  'CONCURRENT_TRANSACTIONS',
  'UNSTABLE_OFFSET_COMMIT',
];

/** kafkajs puts the error's message, not its code, in the log entry: the messages of those codes. */
function transientMessages(): Set<string> {
  const require = createRequire(import.meta.url);
  try {
    const { errorCodes } = require('kafkajs/src/protocol/error') as {
      errorCodes: { type: string; message: string }[];
    };
    return new Set(errorCodes.filter((e) => transientCodes.includes(e.type)).map((e) => e.message));
  } catch {
    return new Set(); // another kafkajs layout: everything keeps kafkajs's own level
  }
}

const transient = transientMessages();

/** The level a kafkajs log entry is written at, from kafkajs's own level name. */
export function kafkajsLogLevel(
  namespace: string,
  level: LogLevelName,
  log: { message?: string; error?: unknown },
): LogLevelName {
  if (
    level === 'error' &&
    namespace === 'Connection' &&
    log.message?.startsWith('Response ') === true &&
    typeof log.error === 'string' &&
    transient.has(log.error)
  )
    return 'info';
  return level;
}
