import { noShowDeadline, planBooking, plannedStart, type BookingPolicy } from './booking.ts';

const policy: BookingPolicy = {
  lateMarginMinutes: 30,
  earlyMarginMinutes: 120,
  noShowGraceMinutes: 60,
  maxPriorityWaitingPerLane: 10,
};
const slot = { start: Date.parse('2026-11-20T09:00:00Z'), end: Date.parse('2026-11-20T10:00:00Z') };
const at = (hhmm: string) => Date.parse(`2026-11-20T${hhmm}:00Z`);
const booking = { bookingId: 'BK-1', slot };

describe('booking planning', () => {
  test('given no booking, nothing is planned and there is no priority', () => {
    expect(planBooking(null, at('09:00'), policy)).toEqual({
      bookingId: null,
      plannedSlot: null,
      priority: false,
      note: '',
    });
  });
  test('given a truck within its margin, it keeps priority and its slot', () => {
    const plan = planBooking(booking, at('09:25'), policy);
    expect(plan).toMatchObject({ bookingId: 'BK-1', plannedSlot: slot, priority: true });
    expect(plan.note).toMatch(/on time/);
  });
  test('given a truck late by more than the margin, it loses priority but keeps its booking', () => {
    const plan = planBooking(booking, at('09:31'), policy);
    expect(plan).toMatchObject({ bookingId: 'BK-1', priority: false });
    expect(plan.note).toMatch(/late by 31 min, more than the 30 min margin/);
  });
  test('given a truck far too early, it is planned for its slot without priority', () => {
    const plan = planBooking(booking, at('06:30'), policy);
    expect(plan.priority).toBe(false);
    expect(plan.note).toMatch(/150 min early/);
  });
  test('the planned start is never before the slot, nor before the lane can take the truck', () => {
    expect(plannedStart(at('08:00'), 10, slot)).toBe(slot.start);
    expect(plannedStart(at('09:10'), 20, slot)).toBe(at('09:30'));
    expect(plannedStart(at('09:10'), 0, null)).toBe(at('09:10'));
  });
  test('a booking becomes a no-show after its slot and the grace period', () => {
    expect(noShowDeadline(slot, policy)).toBe(at('11:00'));
  });
});
