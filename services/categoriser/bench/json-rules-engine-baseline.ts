// The same reference rules (freight classes, mandatory controls, indicators) translated into
// json-rules-engine rules, facts = the same derived features. json-rules-engine has no quantifier over
// an array, so anyLine/allLines/noLine become custom operators that evaluate the translated inner
// condition on each line with json-rules-engine's own operator semantics (the usual way to extend it).
import { Engine, type RuleProperties } from 'json-rules-engine';
import type { Declaration } from '@clearway/schemas';
import type { CompiledRuleset, DecisionContext, RulesetSource } from '../src/domain/index.ts';

type Leaf = { fact: string; operator: string; value: unknown };
type Cond = { all: Cond[] } | { any: Cond[] } | { not: Cond } | Leaf;
const opMap: Record<string, string> = {
  equals: 'equal',
  notEquals: 'notEqual',
  in: 'in',
  notIn: 'notIn',
  gt: 'greaterThan',
  gte: 'greaterThanInclusive',
  lt: 'lessThan',
  lte: 'lessThanInclusive',
  includes: 'contains',
  excludes: 'doesNotContain',
  between: 'between',
  hsPrefix: 'hsPrefix',
  inList: 'inList',
  notInList: 'notInList',
  present: 'isPresent',
  absent: 'isNull',
};

function translate(raw: unknown): Cond {
  const r = raw as Record<string, unknown>;
  if ('all' in r) return { all: (r.all as unknown[]).map(translate) };
  if ('any' in r) return { any: (r.any as unknown[]).map(translate) };
  if ('not' in r) return { not: translate(r.not) };
  for (const q of ['anyLine', 'allLines', 'noLine'])
    if (q in r) return { fact: 'lines', operator: q, value: { inner: translate(r[q]) } }; // a value with a "fact" key would be read as a fact reference
  const op = Object.keys(opMap).find((k) => k in r)!;
  const leaf: Leaf = { fact: String(r.field), operator: opMap[op]!, value: r[op] };
  // Missing data bound to true at the leaf fires on null, as in the engine under test.
  return r.ifMissing === true
    ? { any: [leaf, { fact: String(r.field), operator: 'isNull', value: true }] }
    : leaf;
}

function listMatcher(list: RulesetSource['lists'][string]): (v: string) => boolean {
  if (list.kind === 'hsRanges')
    return (code) =>
      list.items.some((item) => {
        const [lo = '', hi] = item.split('-');
        const p = code.slice(0, lo.length);
        return hi === undefined ? p === lo : p >= lo && p <= hi;
      });
  if (list.kind === 'unitValues') return () => false;
  const set = new Set(list.items);
  return (v) => set.has(v);
}

export function createBaseline(
  ruleset: CompiledRuleset,
): (d: Declaration, c: DecisionContext) => Promise<{ freightClass: string; fired: string[]; score: number }> {
  const src = ruleset.source;
  const engine = new Engine([], { allowUndefinedFacts: true });
  const lists = new Map(Object.entries(src.lists).map(([k, v]) => [k, listMatcher(v)]));
  const operators: Record<string, (a: unknown, b: unknown) => boolean> = {
    equal: (a, b) => a === b,
    notEqual: (a, b) => a !== b,
    in: (a, b) => (b as unknown[]).includes(a),
    notIn: (a, b) => !(b as unknown[]).includes(a),
    greaterThan: (a, b) => typeof a === 'number' && a > (b as number),
    greaterThanInclusive: (a, b) => typeof a === 'number' && a >= (b as number),
    lessThan: (a, b) => typeof a === 'number' && a < (b as number),
    lessThanInclusive: (a, b) => typeof a === 'number' && a <= (b as number),
    contains: (a, b) => Array.isArray(a) && a.includes(b),
    doesNotContain: (a, b) => Array.isArray(a) && !a.includes(b),
    between: (a, b) => typeof a === 'number' && a >= (b as number[])[0]! && a <= (b as number[])[1]!,
    hsPrefix: (a, b) =>
      typeof a === 'string' &&
      (Array.isArray(b) ? (b as string[]) : [b as string]).some((p) => a.startsWith(p)),
    inList: (a, b) => typeof a === 'string' && lists.get(b as string)!(a),
    notInList: (a, b) => typeof a === 'string' && !lists.get(b as string)!(a),
    isNull: (a) => a === null || a === undefined,
    isPresent: (a) => a !== null && a !== undefined,
  };
  const onLine = (line: Record<string, unknown>, facts: Record<string, unknown>, c: Cond): boolean => {
    if ('all' in c) return c.all.every((x) => onLine(line, facts, x));
    if ('any' in c) return c.any.some((x) => onLine(line, facts, x));
    if ('not' in c) return !onLine(line, facts, c.not);
    return operators[c.operator]!(c.fact in line ? line[c.fact] : facts[c.fact], c.value);
  };
  for (const [name, fn] of Object.entries(operators))
    if (
      ![
        'equal',
        'notEqual',
        'in',
        'notIn',
        'contains',
        'doesNotContain',
        'greaterThan',
        'greaterThanInclusive',
        'lessThan',
        'lessThanInclusive',
      ].includes(name)
    )
      engine.addOperator(name, fn);
  // Line quantifiers get the whole facts object through the value, so declaration facts stay visible.
  engine.addOperator('anyLine', (lines: unknown, inner: unknown) =>
    (lines as { l: Record<string, unknown>[]; f: Record<string, unknown> }).l.some((l) =>
      onLine(l, (lines as { f: Record<string, unknown> }).f, (inner as { inner: Cond }).inner),
    ),
  );
  engine.addOperator('allLines', (lines: unknown, inner: unknown) => {
    const x = lines as { l: Record<string, unknown>[]; f: Record<string, unknown> };
    return x.l.length > 0 && x.l.every((l) => onLine(l, x.f, (inner as { inner: Cond }).inner));
  });
  engine.addOperator('noLine', (lines: unknown, inner: unknown) => {
    const x = lines as { l: Record<string, unknown>[]; f: Record<string, unknown> };
    return !x.l.some((l) => onLine(l, x.f, (inner as { inner: Cond }).inner));
  });

  const add = (
    rule: {
      id: string;
      when?: unknown;
      ifMissing?: 'fire' | 'skip';
      validFrom?: string;
      validUntil?: string;
    },
    kind: string,
    order: number,
    extra: Record<string, unknown>,
  ): void => {
    const parts: Cond[] = [
      rule.when === undefined
        ? { fact: 'lineCount', operator: 'greaterThanInclusive', value: 0 }
        : translate(rule.when),
    ];
    if (rule.validFrom !== undefined)
      parts.push({
        fact: 'submittedAt',
        operator: 'greaterThanInclusive',
        value: Date.parse(rule.validFrom),
      });
    if (rule.validUntil !== undefined)
      parts.push({ fact: 'submittedAt', operator: 'lessThan', value: Date.parse(rule.validUntil) });
    if (rule.ifMissing === 'fire' && rule.when !== undefined && 'field' in (rule.when as object))
      parts[0] = {
        any: [
          parts[0]!,
          { fact: String((rule.when as { field: string }).field), operator: 'isNull', value: true },
        ],
      };
    const props: RuleProperties = {
      conditions: { all: parts },
      event: { type: kind, params: { id: rule.id, order, ...extra } },
    };
    engine.addRule(props);
  };
  src.freightClasses.forEach((r, i) => add(r, 'class', i, { class: r.class }));
  src.mandatoryControls.forEach((r, i) => add(r, 'mandatory', i, { level: r.level }));
  src.indicators.forEach((r, i) => add(r, 'indicator', i, { weight: r.weight }));

  const declFields = [...ruleset.fields.values()].filter((f) => f.scope === 'declaration');
  const lineFields = [...ruleset.fields.values()].filter((f) => f.scope === 'line');
  return async (d, c) => {
    const facts: Record<string, unknown> = { submittedAt: d.submittedAt };
    for (const f of declFields) if (f.scope === 'declaration') facts[f.name] = f.get(d, c);
    const lineFacts = d.goods.map((l) => {
      const o: Record<string, unknown> = {};
      for (const f of lineFields) if (f.scope === 'line') o[f.name] = f.get(l, d, c);
      return o;
    });
    facts.lines = { l: lineFacts, f: facts };
    const { events } = await engine.run(facts);
    let freightClass = '';
    let classOrder = Infinity;
    let score = 0;
    const fired: string[] = [];
    for (const e of events) {
      const p = e.params as { id: string; order: number; class?: string; weight?: number };
      if (e.type === 'class') {
        if (p.order < classOrder) [classOrder, freightClass] = [p.order, p.class!];
      } else {
        fired.push(p.id);
        score += p.weight ?? 0;
      }
    }
    return { freightClass, fired, score };
  };
}
