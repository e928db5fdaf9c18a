import type { InspectionLevel } from '@clearway/schemas';

// Ordered from least to most intrusive; the final level is the maximum of every source.
export const levelOrder: readonly InspectionLevel[] = ['RELEASE', 'DOCUMENTARY', 'SCAN', 'PHYSICAL'];

export function levelRank(level: InspectionLevel): number {
  return levelOrder.indexOf(level);
}

export function maxLevel(a: InspectionLevel, b: InspectionLevel | null): InspectionLevel {
  return b !== null && levelRank(b) > levelRank(a) ? b : a;
}
