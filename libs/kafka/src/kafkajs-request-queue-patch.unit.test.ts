import { jest } from '@jest/globals';
import { createRequire } from 'node:module';
import { patchKafkajsRequestQueue, scheduleCheckPendingRequests } from './kafkajs-request-queue-patch.ts';

const require = createRequire(import.meta.url);

function queue(pending: number, throttledUntil: number) {
  const q = {
    pending: Array.from({ length: pending }, (_, i) => i),
    throttledUntil,
    throttleCheckTimeoutId: null as ReturnType<typeof setTimeout> | null,
    checks: 0,
    checkPendingRequests() {
      q.checks++;
    },
  };
  return q;
}

describe('kafkajs request queue timer patch', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_800_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('replaces the installed kafkajs request queue method, once', () => {
    expect(patchKafkajsRequestQueue()).toBe(true);
    expect(patchKafkajsRequestQueue()).toBe(true);
    const RequestQueue = require('kafkajs/src/network/requestQueue') as {
      prototype: { scheduleCheckPendingRequests: unknown };
    };
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
  });

  it('schedules nothing when no request waits and nothing is throttled (kafkajs: every 1 ms)', () => {
    const q = queue(0, -1);
    scheduleCheckPendingRequests.call(q);
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks waiting requests every 10 ms, as kafkajs does', () => {
    const q = queue(2, -1);
    scheduleCheckPendingRequests.call(q);
    jest.advanceTimersByTime(9);
    expect(q.checks).toBe(0);
    jest.advanceTimersByTime(1);
    expect(q.checks).toBe(1);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('waits out a broker throttle, with or without waiting requests, and never twice at once', () => {
    for (const pending of [0, 3]) {
      const q = queue(pending, Date.now() + 250);
      scheduleCheckPendingRequests.call(q);
      scheduleCheckPendingRequests.call(q);
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(249);
      expect(q.checks).toBe(0);
      jest.advanceTimersByTime(1);
      expect(q.checks).toBe(1);
    }
  });
});
