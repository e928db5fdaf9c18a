// Conservative structural implication between source conditions, used to find first-match rows that
// an earlier row shadows (later ⇒ earlier means the later row can never be reached). "false" means
// "could not prove it", never "proved the opposite".
import { canonicalJson } from './canonical-json.ts';
import type { ManagedListSource } from './ruleset-schema.ts';

type Raw = Record<string, unknown>;
const isRecord = (x: unknown): x is Raw => typeof x === 'object' && x !== null && !Array.isArray(x);
const only = (x: Raw, key: string): boolean => Object.keys(x).length === 1 && key in x;
const hsFieldLength: Record<string, number> = { hsCode: 99, hsSubheading: 6, hsHeading: 4, hsChapter: 2 };

/** The HS prefixes an hsRanges list accepts (small ranges expanded), or null for other lists. */
export type ListPrefixes = (listName: string) => string[] | null;

export function hsListPrefixes(list: ManagedListSource | undefined): string[] | null {
  if (list?.kind !== 'hsRanges') return null;
  const out: string[] = [];
  for (const item of list.items) {
    const [lo = '', hi] = item.split('-');
    if (hi === undefined) out.push(lo);
    else if (Number(hi) - Number(lo) > 1000) return null;
    else for (let n = Number(lo); n <= Number(hi); n++) out.push(String(n).padStart(lo.length, '0'));
  }
  return out;
}

function acceptedHsPrefixes(leaf: Raw, lists: ListPrefixes): string[] | null {
  if (typeof leaf.field !== 'string' || !(leaf.field in hsFieldLength)) return null;
  if (typeof leaf.inList === 'string') return lists(leaf.inList);
  if ('hsPrefix' in leaf)
    return Array.isArray(leaf.hsPrefix) ? (leaf.hsPrefix as string[]) : [String(leaf.hsPrefix)];
  if ('equals' in leaf && typeof leaf.equals === 'string') return [leaf.equals];
  if ('in' in leaf && Array.isArray(leaf.in)) return leaf.in as string[];
  return null;
}

function interval(leaf: Raw): [number, number] | null {
  const n = (k: string): number | null => (typeof leaf[k] === 'number' ? leaf[k] : null);
  if (n('gt') !== null) return [n('gt')! + Number.EPSILON, Infinity];
  if (n('gte') !== null) return [n('gte')!, Infinity];
  if (n('lt') !== null) return [-Infinity, n('lt')! - Number.EPSILON];
  if (n('lte') !== null) return [-Infinity, n('lte')!];
  if (
    Array.isArray(leaf.between) &&
    typeof leaf.between[0] === 'number' &&
    typeof leaf.between[1] === 'number'
  )
    return [leaf.between[0], leaf.between[1]];
  return null;
}

function leafImplies(a: Raw, b: Raw, lists: ListPrefixes): boolean {
  if (a.ifMissing !== b.ifMissing) return false;
  const pa = acceptedHsPrefixes(a, lists);
  const pb = acceptedHsPrefixes(b, lists);
  // Both constrain the code's leading digits; b's prefixes must fit in b's field to mean that.
  if (pa !== null && pb !== null && pb.every((y) => y.length <= hsFieldLength[b.field as string]!))
    return pa.every((x) => pb.some((y) => x.startsWith(y)));
  if (a.field !== b.field) return false;
  const ia = interval(a);
  const ib = interval(b);
  if (ia !== null && ib !== null) return ia[0] >= ib[0] && ia[1] <= ib[1];
  if ('in' in a && 'in' in b && Array.isArray(a.in) && Array.isArray(b.in))
    return a.in.every((x) => (b.in as unknown[]).includes(x));
  if ('equals' in a && 'in' in b && Array.isArray(b.in)) return b.in.includes(a.equals);
  return false;
}

/** True when every declaration that satisfies `a` also satisfies `b` (a ⇒ b), as far as structure shows. */
export function implies(a: unknown, b: unknown, lists: ListPrefixes = () => null): boolean {
  if (b === undefined) return true; // an unconditional row matches everything
  if (a === undefined) return false;
  if (canonicalJson(a) === canonicalJson(b)) return true;
  if (!isRecord(a) || !isRecord(b)) return false;
  if (only(b, 'all') && Array.isArray(b.all)) return b.all.every((cb) => implies(a, cb, lists));
  if (only(a, 'any') && Array.isArray(a.any)) return a.any.every((ca) => implies(ca, b, lists));
  if (only(a, 'all') && Array.isArray(a.all) && a.all.some((ca) => implies(ca, b, lists))) return true;
  if (only(b, 'any') && Array.isArray(b.any) && b.any.some((cb) => implies(a, cb, lists))) return true;
  if (only(a, 'anyLine') && only(b, 'anyLine')) return implies(a.anyLine, b.anyLine, lists);
  if (only(a, 'allLines') && only(b, 'allLines')) return implies(a.allLines, b.allLines, lists);
  if (typeof a.field === 'string' && typeof b.field === 'string') return leafImplies(a, b, lists);
  return false;
}
