// The port's daily traffic: trucks per day and how they spread over the 24 hours (local time), and the
// time compression that plays a day in minutes.

export interface TrafficProfile {
  name: string;
  trucksPerDay: number;
  /** Relative arrivals per local hour 00..23. */
  hourlyWeights: readonly number[];
}

// Khorgos works around the clock since 24-hour clearance; arrivals still peak in the working day when
// the Chinese side releases trucks, and the record day was flatter (the queue kept the night busy).
export const trafficProfiles = {
  record: {
    name: 'record',
    trucksPerDay: 1927,
    hourlyWeights: [
      2.6, 2.3, 2.1, 2, 2.1, 2.5, 3.2, 4, 4.8, 5.4, 5.7, 5.8, 5.6, 5.4, 5.6, 5.7, 5.4, 5, 4.5, 4, 3.6, 3.3, 3,
      2.8,
    ],
  },
  typical: {
    name: 'typical',
    trucksPerDay: 1150,
    hourlyWeights: [
      1.2, 1, 0.9, 0.9, 1, 1.4, 2.4, 3.8, 5.2, 6.2, 6.6, 6.7, 6.2, 6, 6.4, 6.5, 6.1, 5.4, 4.5, 3.6, 2.8, 2.2,
      1.8, 1.5,
    ],
  },
  quiet: {
    name: 'quiet',
    trucksPerDay: 600,
    hourlyWeights: [
      0.8, 0.6, 0.5, 0.5, 0.6, 1, 2, 3.6, 5.4, 6.6, 7, 7, 6.6, 6.4, 6.8, 6.8, 6.2, 5.2, 4, 2.8, 2, 1.4, 1.1,
      0.9,
    ],
  },
  night: {
    name: 'night',
    trucksPerDay: 900,
    hourlyWeights: [6, 6, 5.6, 5.2, 4.8, 4, 3, 2, 1.5, 1.2, 1, 1, 1, 1, 1, 1.2, 1.5, 2, 3, 4, 5, 5.6, 6, 6],
  },
} as const satisfies Record<string, TrafficProfile>;

export type ProfileName = keyof typeof trafficProfiles;
export const profileNames = Object.keys(trafficProfiles) as ProfileName[];

/** Trucks per local hour, whole numbers that add up to the day's total (largest remainder). */
export function hourlyTrucks(profile: TrafficProfile): number[] {
  const total = profile.hourlyWeights.reduce((s, w) => s + w, 0);
  const exact = profile.hourlyWeights.map((w) => (w / total) * profile.trucksPerDay);
  const counts = exact.map(Math.floor);
  let left = profile.trucksPerDay - counts.reduce((s, c) => s + c, 0);
  const order = exact
    .map((x, h) => [x - Math.floor(x), h] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, h] of order) {
    if (left-- <= 0) break;
    counts[h]! += 1;
  }
  return counts;
}

/** Time compression that gives the requested declarations per second on the profile's average. */
export function compressionForRate(profile: TrafficProfile, declarationsPerSecond: number): number {
  return declarationsPerSecond / (profile.trucksPerDay / 86_400);
}

/** Wall-clock milliseconds until a simulated instant, from the simulation's start. */
export function wallDelayMs(simulatedMs: number, compression: number): number {
  return simulatedMs / compression;
}

/** Epoch ms of local midnight of the day containing `at`, for a port at the given UTC offset. */
export function localMidnight(at: number, utcOffsetMinutes: number): number {
  const offset = utcOffsetMinutes * 60_000;
  return Math.floor((at + offset) / 86_400_000) * 86_400_000 - offset;
}
