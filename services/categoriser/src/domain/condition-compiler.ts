// Compiles a condition tree into closures (no eval, no new Function). Evaluation is three-valued so
// that missing data is an explicit case: a leaf over a missing value is UNKNOWN unless the leaf binds
// it with `ifMissing: true|false`; the rule then says whether UNKNOWN fires or is skipped.
import type { Declaration, GoodsLine } from '@clearway/schemas';
import type { DecisionContext } from './decision-context.ts';
import type { Field, FieldValue } from './fields.ts';
import { listKindDomain, type MembershipList } from './managed-lists.ts';
import { formatPath, type RulesetPath, type RulesetProblem } from './ruleset-error.ts';
import { operatorNames, type OperatorName } from './ruleset-schema.ts';

export const FALSE = 0;
export const TRUE = 1;
export const UNKNOWN = 2;
export type Truth = 0 | 1 | 2;

export interface ExplainOut {
  observed: string[];
  lineNo: number | null;
}

/** What a node is, for the evaluation plan (rule-evaluator.ts); `key` identifies equal subtrees. */
export type NodeShape =
  | { kind: 'never' }
  | {
      kind: 'leaf';
      field: Field;
      op: OperatorName;
      test: Test;
      missing: Truth;
      pass: Truth;
      fail: Truth;
    }
  | { kind: 'all' | 'any'; children: readonly ConditionNode[] }
  | { kind: 'not'; child: ConditionNode }
  | { kind: 'anyLine' | 'allLines' | 'noLine'; inner: ConditionNode };

export interface ConditionNode {
  scope: 'declaration' | 'line';
  shape: NodeShape;
  key: string;
  evaluate: (d: Declaration, c: DecisionContext, l: GoodsLine | null) => Truth;
  /** Says what the condition saw; only called for rules that fired, so it may allocate. */
  explain: (d: Declaration, c: DecisionContext, l: GoodsLine | null, out: ExplainOut) => void;
  expected: string;
}

export interface CompileEnv {
  fields: ReadonlyMap<string, Field>;
  lists: ReadonlyMap<string, MembershipList>;
  knownHsCodes: ReadonlySet<string> | undefined;
  problems: RulesetProblem[];
  warnings: string[];
  /** Collected per rule: fields read, and whether a nullable field is read without a leaf-level ifMissing. */
  fieldsRead: Set<string>;
  unboundNullable: string[];
}

const quantifiers = ['anyLine', 'allLines', 'noLine'] as const;
const combinators = ['all', 'any', 'not'] as const;

const never: ConditionNode = {
  scope: 'declaration',
  shape: { kind: 'never' },
  key: 'never',
  evaluate: () => FALSE,
  explain: () => undefined,
  expected: 'never',
};

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

// ".001" ... ".999" without trailing zeros, index = thousandths.
const thousandths = Array.from({ length: 1000 }, (_, i) =>
  `.${String(i).padStart(3, '0')}`.replace(/0+$/, ''),
);

/** Rounded to 3 decimals, exactly as String(Math.round(v * 1000) / 1000) prints it. */
function formatDecimal(v: number): string {
  const r = Math.round(v * 1000);
  // Below 1e12 doubles are far denser than 0.001, so the 3-decimal text is the shortest round-trip
  // form, which is what String() prints; beyond that (and for NaN, Infinity) let String() decide.
  if (!(r > -1e15 && r < 1e15)) return String(r / 1000);
  const frac = r % 1000;
  if (frac === 0) return String(r / 1000);
  const whole = (r - frac) / 1000;
  return r < 0 ? `-${-whole}${thousandths[-frac]!}` : `${whole}${thousandths[frac]!}`;
}

export function formatValue(v: FieldValue | null | undefined): string {
  if (v === null || v === undefined) return 'missing';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatDecimal(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return v;
  return `[${v.join(', ')}]`;
}

export function compileCondition(
  raw: unknown,
  path: RulesetPath,
  env: CompileEnv,
  insideLine = false,
): ConditionNode {
  const fail = (message: string): ConditionNode => {
    env.problems.push({ path, message });
    return never;
  };
  if (!isRecord(raw))
    return fail(
      'a condition is an object: a leaf {field, <operator>} or one of all/any/not/anyLine/allLines/noLine',
    );
  const keys = Object.keys(raw);
  const form = keys.find(
    (k) => (combinators as readonly string[]).includes(k) || (quantifiers as readonly string[]).includes(k),
  );
  if (form !== undefined) {
    if (keys.length !== 1)
      return fail(`"${form}" must be the only key of its object (found ${keys.join(', ')})`);
    const body = raw[form];
    switch (form) {
      case 'all':
      case 'any': {
        if (!Array.isArray(body) || body.length === 0)
          return fail(`"${form}" takes a non-empty list of conditions`);
        const children = body.map((c, i) => compileCondition(c, [...path, form, i], env, insideLine));
        if (form === 'all') checkContradictions(body, [...path, form], env);
        return form === 'all' ? allOf(children) : anyOf(children);
      }
      case 'not':
        return notOf(compileCondition(body, [...path, 'not'], env, insideLine));
      default: {
        if (insideLine) return fail(`"${form}" cannot be nested inside another line quantifier`);
        const inner = compileCondition(body, [...path, form], env, true);
        return lineQuantifier(form as (typeof quantifiers)[number], inner);
      }
    }
  }
  return compileLeaf(raw, path, env, insideLine);
}

function allOf(children: ConditionNode[]): ConditionNode {
  const n = children.length;
  return {
    scope: children.some((c) => c.scope === 'line') ? 'line' : 'declaration',
    shape: { kind: 'all', children },
    key: `all(${children.map((c) => c.key).join(',')})`,
    evaluate: (d, c, l) => {
      let result: Truth = TRUE;
      for (let i = 0; i < n; i++) {
        const t = children[i]!.evaluate(d, c, l);
        if (t === FALSE) return FALSE;
        if (t === UNKNOWN) result = UNKNOWN;
      }
      return result;
    },
    explain: (d, c, l, out) => {
      for (const child of children) child.explain(d, c, l, out);
    },
    expected: children.map((c) => c.expected).join(' and '),
  };
}

function anyOf(children: ConditionNode[]): ConditionNode {
  const n = children.length;
  return {
    scope: children.some((c) => c.scope === 'line') ? 'line' : 'declaration',
    shape: { kind: 'any', children },
    key: `any(${children.map((c) => c.key).join(',')})`,
    evaluate: (d, c, l) => {
      let result: Truth = FALSE;
      for (let i = 0; i < n; i++) {
        const t = children[i]!.evaluate(d, c, l);
        if (t === TRUE) return TRUE;
        if (t === UNKNOWN) result = UNKNOWN;
      }
      return result;
    },
    explain: (d, c, l, out) => {
      const hit =
        children.find((ch) => ch.evaluate(d, c, l) === TRUE) ??
        children.find((ch) => ch.evaluate(d, c, l) === UNKNOWN);
      hit?.explain(d, c, l, out);
    },
    expected: `(${children.map((c) => c.expected).join(' or ')})`,
  };
}

function notOf(child: ConditionNode): ConditionNode {
  return {
    scope: child.scope,
    shape: { kind: 'not', child },
    key: `not(${child.key})`,
    evaluate: (d, c, l) => {
      const t = child.evaluate(d, c, l);
      return t === UNKNOWN ? UNKNOWN : t === TRUE ? FALSE : TRUE;
    },
    explain: (d, c, l, out) => child.explain(d, c, l, out),
    expected: `not (${child.expected})`,
  };
}

function lineQuantifier(kind: (typeof quantifiers)[number], inner: ConditionNode): ConditionNode {
  // any: TRUE if a line is TRUE; all: FALSE if a line is FALSE; none = not any.
  const anyLine = (d: Declaration, c: DecisionContext): Truth => {
    const goods = d.goods;
    let result: Truth = FALSE;
    for (let i = 0; i < goods.length; i++) {
      const t = inner.evaluate(d, c, goods[i]!);
      if (t === TRUE) return TRUE;
      if (t === UNKNOWN) result = UNKNOWN;
    }
    return result;
  };
  const explainLine = (d: Declaration, c: DecisionContext, line: GoodsLine, out: ExplainOut): void => {
    const before = out.observed.length;
    inner.explain(d, c, line, out);
    for (let i = before; i < out.observed.length; i++)
      out.observed[i] = `line ${line.lineNo}: ${out.observed[i]}`;
    out.lineNo ??= line.lineNo;
  };
  switch (kind) {
    case 'anyLine':
      return {
        scope: 'declaration',
        shape: { kind: 'anyLine', inner },
        key: `anyLine(${inner.key})`,
        evaluate: (d, c) => anyLine(d, c),
        explain: (d, c, _l, out) => {
          const line =
            d.goods.find((g) => inner.evaluate(d, c, g) === TRUE) ??
            d.goods.find((g) => inner.evaluate(d, c, g) === UNKNOWN);
          if (line !== undefined) explainLine(d, c, line, out);
        },
        expected: `any line: ${inner.expected}`,
      };
    case 'noLine':
      return {
        scope: 'declaration',
        shape: { kind: 'noLine', inner },
        key: `noLine(${inner.key})`,
        evaluate: (d, c) => {
          const t = anyLine(d, c);
          return t === UNKNOWN ? UNKNOWN : t === TRUE ? FALSE : TRUE;
        },
        explain: (d, _c, _l, out) => {
          out.observed.push(`none of ${d.goods.length} line(s) matched`);
        },
        expected: `no line: ${inner.expected}`,
      };
    case 'allLines':
      return {
        scope: 'declaration',
        shape: { kind: 'allLines', inner },
        key: `allLines(${inner.key})`,
        evaluate: (d, c) => {
          const goods = d.goods;
          if (goods.length === 0) return FALSE; // a declaration without goods says nothing about "every line"
          let result: Truth = TRUE;
          for (let i = 0; i < goods.length; i++) {
            const t = inner.evaluate(d, c, goods[i]!);
            if (t === FALSE) return FALSE;
            if (t === UNKNOWN) result = UNKNOWN;
          }
          return result;
        },
        explain: (d, c, _l, out) => {
          for (const line of d.goods.slice(0, 3)) explainLine(d, c, line, out);
          if (d.goods.length > 3) out.observed.push(`(and ${d.goods.length - 3} more line(s))`);
          out.lineNo = null;
        },
        expected: `every line: ${inner.expected}`,
      };
  }
}

export type Test = (v: FieldValue) => boolean;

function compileLeaf(
  raw: Record<string, unknown>,
  path: RulesetPath,
  env: CompileEnv,
  insideLine: boolean,
): ConditionNode {
  const problem = (message: string, at: RulesetPath = path): ConditionNode => {
    env.problems.push({ path: at, message });
    return never;
  };
  const allowed = new Set<string>(['field', 'ifMissing', ...operatorNames]);
  const unknownKeys = Object.keys(raw).filter((k) => !allowed.has(k));
  if (unknownKeys.length > 0)
    return problem(
      `unknown key(s) ${unknownKeys.map((k) => `"${k}"`).join(', ')}; a leaf has field, one operator (${operatorNames.join(', ')}) and optional ifMissing`,
    );
  const fieldName = raw.field;
  if (typeof fieldName !== 'string')
    return problem('a leaf needs "field" (or use all/any/not/anyLine/allLines/noLine)');
  const field = env.fields.get(fieldName);
  if (field === undefined)
    return problem(`unknown field "${fieldName}"; known: ${[...env.fields.keys()].join(', ')}`, [
      ...path,
      'field',
    ]);
  if (field.scope === 'line' && !insideLine)
    return problem(`"${fieldName}" is a goods-line field: put it inside anyLine, allLines or noLine`, [
      ...path,
      'field',
    ]);
  const ops = operatorNames.filter((op) => op in raw);
  if (ops.length !== 1)
    return problem(`a leaf has exactly one operator (found ${ops.length === 0 ? 'none' : ops.join(', ')})`);
  const op = ops[0]!;
  const value = raw[op];
  const ifMissing = raw.ifMissing;
  if (ifMissing !== undefined && typeof ifMissing !== 'boolean')
    return problem('ifMissing on a leaf is true or false', [...path, 'ifMissing']);
  env.fieldsRead.add(fieldName);

  const opPath = [...path, op];
  const test = compileTest(field, op, value, opPath, env);
  if (test === null) return never;
  const expected = `${fieldName} ${describeOp(op, value)}`;
  const where = formatPath(path);

  if (op === 'present' || op === 'absent') {
    if (!field.nullable)
      env.warnings.push(
        `${where}: "${fieldName}" is never missing, so ${op} is ${op === 'present' ? 'always true' : 'never true'}`,
      );
    // present/absent: the missing case is the answer, so it is TRUE/FALSE, never UNKNOWN.
    return op === 'present'
      ? leafNode(field, op, expected, () => true, FALSE)
      : leafNode(field, op, expected, () => true, TRUE, true);
  }
  const missing: Truth = ifMissing === undefined ? UNKNOWN : ifMissing ? TRUE : FALSE;
  if (field.nullable && ifMissing === undefined) env.unboundNullable.push(fieldName);
  return leafNode(field, op, expected, test, missing, false, JSON.stringify(value));
}

/** One closure per leaf evaluation (no judge/test layering): calls through closures dominate the cost. */
function leafNode(
  field: Field,
  op: OperatorName,
  expected: string,
  test: Test,
  missing: Truth,
  negate = false,
  valueKey = 'true',
): ConditionNode {
  const pass: Truth = negate ? FALSE : TRUE;
  const fail: Truth = negate ? TRUE : FALSE;
  const shape: NodeShape = { kind: 'leaf', field, op, test, missing, pass, fail };
  const key = `${field.name} ${op} ${valueKey} ${missing}`;
  if (field.scope === 'declaration') {
    const get = field.get;
    return {
      scope: 'declaration',
      shape,
      key,
      evaluate: (d, c) => {
        const v = get(d, c);
        return v === null ? missing : test(v) ? pass : fail;
      },
      explain: (d, c, _l, out) => {
        out.observed.push(`${field.name}=${formatValue(get(d, c))}`);
      },
      expected,
    };
  }
  const get = field.get;
  return {
    scope: 'line',
    shape,
    key,
    evaluate: (d, c, l) => {
      const v = get(l!, d, c);
      return v === null ? missing : test(v) ? pass : fail;
    },
    explain: (d, c, l, out) => {
      out.observed.push(`${field.name}=${formatValue(get(l!, d, c))}`);
    },
    expected,
  };
}

function describeOp(op: OperatorName, value: unknown): string {
  const list = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  switch (op) {
    case 'equals':
      return `= ${String(value)}`;
    case 'notEquals':
      return `!= ${String(value)}`;
    case 'in':
      return `in ${list(value)}`;
    case 'notIn':
      return `not in ${list(value)}`;
    case 'between':
      return Array.isArray(value) ? `between ${String(value[0])} and ${String(value[1])}` : 'between ?';
    case 'gt':
      return `> ${String(value)}`;
    case 'gte':
      return `>= ${String(value)}`;
    case 'lt':
      return `< ${String(value)}`;
    case 'lte':
      return `<= ${String(value)}`;
    case 'hsPrefix':
      return `starts with ${Array.isArray(value) ? value.join('|') : String(value)}`;
    case 'inList':
      return `in list ${String(value)}`;
    case 'notInList':
      return `not in list ${String(value)}`;
    case 'includes':
      return `includes ${String(value)}`;
    case 'excludes':
      return `excludes ${String(value)}`;
    case 'present':
      return 'is present';
    case 'absent':
      return 'is absent';
  }
}

/** Type-checks the operator against the field and returns the test on a present value (null on error). */
function compileTest(
  field: Field,
  op: OperatorName,
  value: unknown,
  path: RulesetPath,
  env: CompileEnv,
): Test | null {
  const where = formatPath(path);
  const err = (message: string): null => {
    env.problems.push({ path, message });
    return null;
  };
  const scalarType = field.type;
  const isScalarOfFieldType = (v: unknown): boolean => typeof v === scalarType;
  switch (op) {
    case 'equals':
    case 'notEquals': {
      if (scalarType === 'stringSet') return err(`"${field.name}" is a set: use includes / excludes`);
      if (!isScalarOfFieldType(value))
        return err(`"${field.name}" is a ${scalarType}; got ${JSON.stringify(value)}`);
      checkHsValue(field, value, path, env);
      return op === 'equals' ? (v) => v === value : (v) => v !== value;
    }
    case 'in':
    case 'notIn': {
      if (scalarType !== 'string' && scalarType !== 'number')
        return err(`"${op}" needs a string or number field; "${field.name}" is a ${scalarType}`);
      if (!Array.isArray(value) || !value.every(isScalarOfFieldType))
        return err(`"${op}" takes a list of ${scalarType}s`);
      if (value.length === 0)
        env.warnings.push(`${where}: empty list, ${op === 'in' ? 'can never be true' : 'is always true'}`);
      for (const v of value) checkHsValue(field, v, path, env);
      const set = new Set<unknown>(value);
      return op === 'in' ? (v) => set.has(v) : (v) => !set.has(v);
    }
    case 'between': {
      if (scalarType !== 'number')
        return err(`"between" needs a number field; "${field.name}" is a ${scalarType}`);
      if (!Array.isArray(value) || value.length !== 2 || !value.every((x) => typeof x === 'number'))
        return err('"between" takes [min, max] (inclusive)');
      const [lo, hi] = value as [number, number];
      if (lo > hi) env.warnings.push(`${where}: min ${lo} > max ${hi}, can never fire`);
      return (v) => (v as number) >= lo && (v as number) <= hi;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (scalarType !== 'number')
        return err(`"${op}" needs a number field; "${field.name}" is a ${scalarType}`);
      if (typeof value !== 'number') return err(`"${op}" takes a number; got ${JSON.stringify(value)}`);
      const x = value;
      return op === 'gt'
        ? (v) => (v as number) > x
        : op === 'gte'
          ? (v) => (v as number) >= x
          : op === 'lt'
            ? (v) => (v as number) < x
            : (v) => (v as number) <= x;
    }
    case 'hsPrefix': {
      if (field.domain !== 'hs')
        return err(
          `"hsPrefix" needs an HS field (hsCode, hsChapter, hsHeading, hsSubheading); "${field.name}" is not`,
        );
      const prefixes: unknown[] = Array.isArray(value) ? value : [value];
      if (
        prefixes.length === 0 ||
        !prefixes.every((p) => typeof p === 'string' && /^\d{2}(\d{2}(\d{2})?)?$/.test(p))
      )
        return err(
          '"hsPrefix" takes HS prefixes of 2, 4 or 6 digits, as strings (quote them in YAML: "0101")',
        );
      const ps = prefixes as string[];
      for (const p of ps) checkHsValue(field, p, path, env);
      if (ps.length === 1) {
        const p = ps[0]!;
        return (v) => (v as string).startsWith(p);
      }
      return (v) => {
        for (const p of ps) if ((v as string).startsWith(p)) return true;
        return false;
      };
    }
    case 'inList':
    case 'notInList': {
      if (typeof value !== 'string') return err(`"${op}" takes the name of a managed list`);
      const list = env.lists.get(value);
      if (list === undefined)
        return err(`unknown list "${value}"; lists: ${[...env.lists.keys()].join(', ') || '(none)'}`);
      if (listKindDomain[list.kind] !== field.domain)
        return err(`list "${value}" holds ${list.kind}; "${field.name}" cannot be checked against it`);
      if (list.size === 0)
        env.warnings.push(
          `${where}: list "${value}" is empty, ${op === 'inList' ? 'can never be true' : 'is always true'}`,
        );
      return op === 'inList' ? (v) => list.has(v as string) : (v) => !list.has(v as string);
    }
    case 'includes':
    case 'excludes': {
      if (scalarType !== 'stringSet')
        return err(`"${op}" needs a set field (documentTypes); "${field.name}" is a ${scalarType}`);
      if (typeof value !== 'string') return err(`"${op}" takes a string`);
      return op === 'includes'
        ? (v) => (v as readonly string[]).includes(value)
        : (v) => !(v as readonly string[]).includes(value);
    }
    case 'present':
    case 'absent':
      if (value !== true) return err(`write "${op}: true"`);
      return () => true;
  }
}

/** An HS value that is not in the nomenclature can never match a real (validated) declaration. */
function checkHsValue(field: Field, value: unknown, path: RulesetPath, env: CompileEnv): void {
  if (field.domain !== 'hs' || env.knownHsCodes === undefined || typeof value !== 'string') return;
  const expectedLength = { hsChapter: 2, hsHeading: 4, hsSubheading: 6 }[field.name];
  if (expectedLength !== undefined && value.length !== expectedLength && !path.includes('hsPrefix'))
    env.warnings.push(
      `${formatPath(path)}: "${value}" has ${value.length} digits but ${field.name} has ${expectedLength}, can never fire`,
    );
  else if (expectedLength !== undefined && path.includes('hsPrefix') && value.length > expectedLength)
    env.warnings.push(
      `${formatPath(path)}: prefix "${value}" is longer than ${field.name} (${expectedLength} digits), can never fire`,
    );
  else if (/^\d+$/.test(value) && value.length <= 6 && !env.knownHsCodes.has(value))
    env.warnings.push(
      `${formatPath(path)}: HS code "${value}" is not in the HS nomenclature, can never fire`,
    );
}

/** Conjunctions that can never hold: one field equal to two values, or numeric bounds with no overlap. */
function checkContradictions(children: unknown[], path: RulesetPath, env: CompileEnv): void {
  const byField = new Map<string, { eq: unknown[]; lo: number; hi: number }>();
  for (const child of children) {
    if (!isRecord(child) || typeof child.field !== 'string' || child.ifMissing === true) continue;
    const b = byField.get(child.field) ?? { eq: [], lo: -Infinity, hi: Infinity };
    byField.set(child.field, b);
    if ('equals' in child) b.eq.push(child.equals);
    const num = (k: string): number | undefined => (typeof child[k] === 'number' ? child[k] : undefined);
    const gt = num('gt') ?? num('gte');
    const lt = num('lt') ?? num('lte');
    if (gt !== undefined) b.lo = Math.max(b.lo, gt + ('gt' in child ? Number.EPSILON : 0));
    if (lt !== undefined) b.hi = Math.min(b.hi, lt - ('lt' in child ? Number.EPSILON : 0));
    if (
      Array.isArray(child.between) &&
      typeof child.between[0] === 'number' &&
      typeof child.between[1] === 'number'
    ) {
      b.lo = Math.max(b.lo, child.between[0]);
      b.hi = Math.min(b.hi, child.between[1]);
    }
  }
  for (const [field, b] of byField) {
    if (new Set(b.eq).size > 1)
      env.warnings.push(
        `${formatPath(path)}: "${field}" cannot equal ${b.eq.map(String).join(' and ')} at once, can never fire`,
      );
    if (b.lo > b.hi)
      env.warnings.push(`${formatPath(path)}: bounds on "${field}" do not overlap, can never fire`);
  }
}
