// Managed lists are reference data kept apart from the rules (analysts update a watch list without
// touching a rule). Each compiles to a membership test; unitValues compiles to a lookup.
import type { FieldDomain, UnitValueLookup } from './fields.ts';
import type { ManagedListSource } from './ruleset-schema.ts';

export interface MembershipList {
  name: string;
  kind: 'traders' | 'countries' | 'hsRanges';
  size: number;
  has: (value: string) => boolean;
}

/** Which field domain each list kind can be tested against. */
export const listKindDomain: Record<MembershipList['kind'], FieldDomain> = {
  traders: 'trader',
  countries: 'country',
  hsRanges: 'hs',
};

function compileHsRanges(items: readonly string[]): (code: string) => boolean {
  const prefixesByLength = new Map<number, Set<string>>();
  const ranges: { len: number; lo: string; hi: string }[] = [];
  for (const item of items) {
    const [lo = '', hi] = item.split('-');
    if (hi === undefined) {
      const set = prefixesByLength.get(lo.length) ?? new Set<string>();
      set.add(lo);
      prefixesByLength.set(lo.length, set);
    } else ranges.push({ len: lo.length, lo, hi });
  }
  const prefixSets = [...prefixesByLength.entries()];
  const slowHas = (code: string): boolean => {
    for (const [len, set] of prefixSets) if (set.has(code.slice(0, len))) return true;
    for (const r of ranges) {
      const p = code.slice(0, r.len);
      if (p >= r.lo && p <= r.hi) return true;
    }
    return false;
  };
  // Hot path: one bit per 6-digit subheading (125 kB), indexed by the code's first six digits, so a
  // membership test reads six char codes and one byte instead of slicing strings.
  const bits = new Uint8Array(125_000);
  const mark = (from: number, to: number): void => {
    for (let i = from; i <= to; i++) bits[i >> 3] = bits[i >> 3]! | (1 << (i & 7));
  };
  for (const [len, set] of prefixSets)
    for (const p of set) {
      const scale = 10 ** (6 - len);
      mark(Number(p) * scale, (Number(p) + 1) * scale - 1);
    }
  for (const r of ranges) {
    const scale = 10 ** (6 - r.len);
    mark(Number(r.lo) * scale, (Number(r.hi) + 1) * scale - 1);
  }
  return (code) => {
    if (code.length < 6) return slowHas(code);
    let index = 0;
    for (let i = 0; i < 6; i++) {
      const digit = code.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) return slowHas(code);
      index = index * 10 + digit;
    }
    return (bits[index >> 3]! & (1 << (index & 7))) !== 0;
  };
}

export function compileMembershipList(
  name: string,
  source: Exclude<ManagedListSource, { kind: 'unitValues' }>,
): MembershipList {
  if (source.kind === 'hsRanges')
    return { name, kind: source.kind, size: source.items.length, has: compileHsRanges(source.items) };
  const set = new Set(source.items);
  return { name, kind: source.kind, size: set.size, has: (v) => set.has(v) };
}

/** Most specific reference first: the 6-digit subheading, then the 4-digit heading. */
export function compileUnitValues(
  source: Extract<ManagedListSource, { kind: 'unitValues' }> | undefined,
): UnitValueLookup {
  if (source === undefined) return () => null;
  const table = new Map(Object.entries(source.items));
  const currency = source.currency;
  return (hsCode, lineCurrency) => {
    if (lineCurrency !== currency) return null;
    return table.get(hsCode.slice(0, 6)) ?? table.get(hsCode.slice(0, 4)) ?? null;
  };
}
