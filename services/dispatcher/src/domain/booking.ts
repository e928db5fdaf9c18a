// Booking planning: a truck that booked a clearance slot is planned into its window, and keeps
// queue priority unless it turns up later than the policy allows. Pure: arrival time is data.
import type { SlotWindow } from '@clearway/schemas';

export interface BookingPolicy {
  /** Minutes after the slot starts within which the truck keeps its priority. */
  lateMarginMinutes: number;
  /** Minutes before the slot starts from which priority applies (earlier trucks queue normally). */
  earlyMarginMinutes: number;
  /** Minutes after the slot ends before a booking whose declaration never arrived is a no-show. */
  noShowGraceMinutes: number;
  /** Waiting priority trucks a lane takes before further booked trucks queue normally. */
  maxPriorityWaitingPerLane: number;
}

export interface BookingRef {
  bookingId: string;
  slot: SlotWindow;
}

export interface BookingPlan {
  bookingId: string | null;
  plannedSlot: SlotWindow | null;
  priority: boolean;
  /** Why, for the assignment's reason; empty without a booking. */
  note: string;
}

const minute = 60_000;
const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ') + 'Z';

export function planBooking(
  booking: BookingRef | null,
  arrivedAt: number,
  policy: BookingPolicy,
): BookingPlan {
  if (!booking) return { bookingId: null, plannedSlot: null, priority: false, note: '' };
  const { slot, bookingId } = booking;
  const base = { bookingId, plannedSlot: slot };
  const lateBy = Math.round((arrivedAt - slot.start) / minute);
  if (arrivedAt > slot.start + policy.lateMarginMinutes * minute)
    return {
      ...base,
      priority: false,
      note: `booking ${bookingId} (slot ${iso(slot.start)}–${iso(slot.end)}): late by ${lateBy} min, more than the ${policy.lateMarginMinutes} min margin, so no priority`,
    };
  if (arrivedAt < slot.start - policy.earlyMarginMinutes * minute)
    return {
      ...base,
      priority: false,
      note: `booking ${bookingId}: ${-lateBy} min early, before the ${policy.earlyMarginMinutes} min window, so planned for its slot ${iso(slot.start)}–${iso(slot.end)} without priority`,
    };
  return {
    ...base,
    priority: true,
    note: `booking ${bookingId}: on time for slot ${iso(slot.start)}–${iso(slot.end)}, queued with priority`,
  };
}

/** When a booking with no declaration counts as a no-show. */
export const noShowDeadline = (slot: SlotWindow, policy: BookingPolicy): number =>
  slot.end + policy.noShowGraceMinutes * minute;

/** Planned start: not before the booked slot, not before the lane can take it. */
export const plannedStart = (now: number, waitMinutes: number, slot: SlotWindow | null): number =>
  Math.max(Math.round(now + waitMinutes * minute), slot?.start ?? 0);
