// kafkajs 2.2.4 keeps a timer running on every broker connection for as long as the client lives.
// After each response its request queue schedules a check of pending requests at
// `throttledUntil - Date.now()`; unthrottled, that is about minus the epoch, which Node clamps to
// 1 ms (and on Node 24 warns about: TimeoutNegativeWarning), and the check schedules the next one.
// Measured here: a process with one idle producer spends ~47 ms of CPU per second on it (2 ms
// without), and every service wakes 1,000 times a second. The check is only needed while requests
// wait (kafkajs checks them every 10 ms) or a throttle is to be waited out; with nothing pending
// and no throttle, the next response or enqueued request checks the queue anyway. The replacement
// below schedules only in those two cases, otherwise exactly as before. Nothing is patched when
// the queue no longer has the shape this was written against.
import { createRequire } from 'node:module';

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

/** kafkajs's interval for re-checking waiting requests (requestQueue/index.js). */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;

export function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  const untilThrottleEnds = this.throttledUntil - Date.now();
  let delay: number;
  if (this.pending.length > 0)
    delay = untilThrottleEnds > 0 ? untilThrottleEnds : CHECK_PENDING_REQUESTS_INTERVAL;
  else if (untilThrottleEnds > 0) delay = untilThrottleEnds;
  else return;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
}

/** Applies the patch; true when the installed kafkajs has it (now or from an earlier call). */
export function patchKafkajsRequestQueue(): boolean {
  const require = createRequire(import.meta.url);
  let proto: Record<string, unknown>;
  try {
    const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: object };
    proto = RequestQueue.prototype as Record<string, unknown>;
  } catch {
    return false;
  }
  if (proto['__clearwayPatched'] === true) return true;
  const original = proto['scheduleCheckPendingRequests'];
  if (typeof original !== 'function' || !String(original).includes('this.throttledUntil - Date.now()'))
    return false;
  proto['scheduleCheckPendingRequests'] = scheduleCheckPendingRequests;
  proto['__clearwayPatched'] = true;
  return true;
}

patchKafkajsRequestQueue();
