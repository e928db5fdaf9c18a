// The fast evaluation of compiled conditions. The condition nodes stay the reference semantics (and
// explain fired rules); this plan evaluates the same trees with per-declaration caches:
// - declaration fields are computed once per declaration and shared by every rule and by the
//   reported features;
// - each distinct line quantifier (anyLine/allLines/noLine over the same inner condition) is
//   evaluated once per declaration, however many rules use it;
// - every sub-condition that depends only on a line's first six HS digits (HS lists, prefixes,
//   chapters, headings) is evaluated once per distinct subheading and remembered, so per line it is
//   one table read.
// Evaluation is synchronous and one declaration at a time, so the scratch state is shared.
import type { Declaration, GoodsLine } from '@clearway/schemas';
import { FALSE, TRUE, UNKNOWN, type ConditionNode, type Truth } from './condition-compiler.ts';
import type { DecisionContext } from './decision-context.ts';
import type { DeclarationField, FieldValue } from './fields.ts';

export type PlannedCondition = () => Truth;

export interface EvaluationPlan {
  /** Compiles a declaration-scope condition; the result reads the declaration given to begin(). */
  compile: (node: ConditionNode) => PlannedCondition;
  /** Registers a declaration field so value() can read it from the per-declaration cache. */
  slotOf: (field: DeclarationField) => number;
  /** Starts evaluating a declaration: every cached value from the previous one is dropped. */
  begin: (d: Declaration, c: DecisionContext) => void;
  value: (slot: number) => FieldValue | null;
}

// HS-code ops that only look at the first six digits of a code with at least six digits.
const hs6CodeOps = new Set<string>(['hsPrefix', 'inList', 'notInList', 'present', 'absent']);
const HS6_SPACE = 1_000_000;

function dependsOnlyOnHs6(node: ConditionNode): boolean {
  const s = node.shape;
  switch (s.kind) {
    case 'leaf':
      return (
        s.field.scope === 'line' &&
        s.field.domain === 'hs' &&
        (s.field.name !== 'hsCode' || hs6CodeOps.has(s.op))
      );
    case 'all':
    case 'any':
      return s.children.every(dependsOnlyOnHs6);
    case 'not':
      return dependsOnlyOnHs6(s.child);
    case 'never':
    case 'anyLine':
    case 'allLines':
    case 'noLine':
      return false;
  }
}

/** The first six HS digits as a number, or -1 when the code has fewer than six leading digits. */
function hs6Of(code: unknown): number {
  if (typeof code !== 'string' || code.length < 6) return -1;
  let x = 0;
  for (let i = 0; i < 6; i++) {
    const digit = code.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    x = x * 10 + digit;
  }
  return x;
}

const negate = (t: Truth): Truth => (t === UNKNOWN ? UNKNOWN : t === TRUE ? FALSE : TRUE);

interface Scratch {
  d: Declaration;
  c: DecisionContext;
  epoch: number;
  declStamp: Int32Array;
  declValues: (FieldValue | null)[];
  quantStamp: Int32Array;
  quantValues: Uint8Array;
  /** Per goods line: offset of its row in memoBits, or -1 when its HS code has no six-digit key. */
  rows: Int32Array;
  /** hs6 → row offset + 1 (0: not computed yet); allocated on first use. */
  memoIndex: Int32Array | null;
  /** One row per subheading seen: each HS sub-condition's Truth in 2 bits, 16 to a word. */
  memoBits: Int32Array;
  memoUsed: number;
  memoWords: number;
}

export function createEvaluationPlan(): EvaluationPlan {
  const declFields: DeclarationField[] = [];
  const slots = new Map<string, number>();
  const hsNodes: ConditionNode[] = [];
  const hsIndex = new Map<string, number>();
  const quantifiers = new Map<string, PlannedCondition>();
  let quantCount = 0;
  const s: Scratch = {
    d: undefined as unknown as Declaration,
    c: undefined as unknown as DecisionContext,
    epoch: 0,
    declStamp: new Int32Array(0),
    declValues: [],
    quantStamp: new Int32Array(0),
    quantValues: new Uint8Array(0),
    rows: new Int32Array(16),
    memoIndex: null,
    memoBits: new Int32Array(0),
    memoUsed: 0,
    memoWords: 0,
  };

  const slotOf = (field: DeclarationField): number => {
    const known = slots.get(field.name);
    if (known !== undefined) return known;
    declFields.push(field);
    slots.set(field.name, declFields.length - 1);
    return declFields.length - 1;
  };

  const value = (slot: number): FieldValue | null => {
    if (s.declStamp[slot] === s.epoch) return s.declValues[slot] ?? null;
    const v = declFields[slot]!.get(s.d, s.c);
    s.declValues[slot] = v;
    s.declStamp[slot] = s.epoch;
    return v;
  };

  /** Row offset of a subheading's memo row, computing the row on first sight. */
  const memoRow = (hs6: number): number => {
    if (s.memoIndex === null || s.memoWords !== Math.ceil(hsNodes.length / 16)) {
      s.memoIndex = new Int32Array(HS6_SPACE);
      s.memoWords = Math.ceil(hsNodes.length / 16);
      s.memoBits = new Int32Array(s.memoWords * 256);
      s.memoUsed = 0;
    }
    const known = s.memoIndex[hs6]!;
    if (known !== 0) return known - 1;
    const w = s.memoWords;
    if (s.memoUsed + w > s.memoBits.length) {
      const grown = new Int32Array(s.memoBits.length * 2);
      grown.set(s.memoBits);
      s.memoBits = grown;
    }
    const row = s.memoUsed;
    s.memoUsed += w;
    // These sub-conditions read only the first six digits, so a six-digit code stands for the line.
    const line = { hsCode: String(hs6).padStart(6, '0') } as GoodsLine;
    for (let k = 0; k < hsNodes.length; k++) {
      const t = hsNodes[k]!.evaluate(s.d, s.c, line);
      s.memoBits[row + (k >> 4)] = s.memoBits[row + (k >> 4)]! | (t << ((k & 15) * 2));
    }
    s.memoIndex[hs6] = row + 1;
    return row;
  };

  const begin = (d: Declaration, c: DecisionContext): void => {
    s.d = d;
    s.c = c;
    if (s.epoch >= 0x3fffffff || s.declStamp.length < declFields.length || s.quantStamp.length < quantCount) {
      s.declStamp = new Int32Array(declFields.length);
      s.declValues = new Array<FieldValue | null>(declFields.length).fill(null);
      s.quantStamp = new Int32Array(quantCount);
      s.quantValues = new Uint8Array(quantCount);
      s.epoch = 0;
    }
    s.epoch++;
    if (hsNodes.length === 0) return;
    const goods = d.goods;
    if (s.rows.length < goods.length) s.rows = new Int32Array(goods.length * 2);
    for (let i = 0; i < goods.length; i++) {
      const hs6 = hs6Of(goods[i]!.hsCode);
      s.rows[i] = hs6 < 0 ? -1 : memoRow(hs6);
    }
  };

  const compileLine = (node: ConditionNode): ((line: GoodsLine, i: number) => Truth) => {
    if (dependsOnlyOnHs6(node)) {
      let k = hsIndex.get(node.key);
      if (k === undefined) {
        k = hsNodes.length;
        hsNodes.push(node);
        hsIndex.set(node.key, k);
      }
      const word = k >> 4;
      const shift = (k & 15) * 2;
      return (line, i) => {
        const row = s.rows[i]!;
        return row < 0 ? node.evaluate(s.d, s.c, line) : (((s.memoBits[row + word]! >>> shift) & 3) as Truth);
      };
    }
    const shape = node.shape;
    switch (shape.kind) {
      case 'never':
        return () => FALSE;
      case 'leaf': {
        const { field, test, missing, pass, fail } = shape;
        if (field.scope === 'declaration') {
          const slot = slotOf(field);
          return () => {
            const v = value(slot);
            return v === null ? missing : test(v) ? pass : fail;
          };
        }
        const get = field.get;
        return (line) => {
          const v = get(line, s.d, s.c);
          return v === null ? missing : test(v) ? pass : fail;
        };
      }
      case 'all':
      case 'any': {
        const children = shape.children.map(compileLine);
        const n = children.length;
        const stop: Truth = shape.kind === 'all' ? FALSE : TRUE;
        const unit: Truth = shape.kind === 'all' ? TRUE : FALSE;
        return (line, i) => {
          let result: Truth = unit;
          for (let j = 0; j < n; j++) {
            const t = children[j]!(line, i);
            if (t === stop) return stop;
            if (t === UNKNOWN) result = UNKNOWN;
          }
          return result;
        };
      }
      case 'not': {
        const child = compileLine(shape.child);
        return (line, i) => negate(child(line, i));
      }
      case 'anyLine':
      case 'allLines':
      case 'noLine':
        throw new TypeError(`${shape.kind} inside a line condition`);
    }
  };

  const compileQuantifier = (
    kind: 'anyLine' | 'allLines' | 'noLine',
    inner: ConditionNode,
  ): ((d: Declaration) => Truth) => {
    const test = compileLine(inner);
    const anyLine = (d: Declaration): Truth => {
      const goods = d.goods;
      let result: Truth = FALSE;
      for (let i = 0; i < goods.length; i++) {
        const t = test(goods[i]!, i);
        if (t === TRUE) return TRUE;
        if (t === UNKNOWN) result = UNKNOWN;
      }
      return result;
    };
    switch (kind) {
      case 'anyLine':
        return anyLine;
      case 'noLine':
        return (d) => negate(anyLine(d));
      case 'allLines':
        return (d) => {
          const goods = d.goods;
          if (goods.length === 0) return FALSE;
          let result: Truth = TRUE;
          for (let i = 0; i < goods.length; i++) {
            const t = test(goods[i]!, i);
            if (t === FALSE) return FALSE;
            if (t === UNKNOWN) result = UNKNOWN;
          }
          return result;
        };
    }
  };

  const compile = (node: ConditionNode): PlannedCondition => {
    const shape = node.shape;
    switch (shape.kind) {
      case 'never':
        return () => FALSE;
      case 'leaf': {
        const { field, test, missing, pass, fail } = shape;
        if (field.scope === 'line') throw new TypeError(`line field ${field.name} outside a quantifier`);
        const slot = slotOf(field);
        return () => {
          const v = value(slot);
          return v === null ? missing : test(v) ? pass : fail;
        };
      }
      case 'all':
      case 'any': {
        const children = shape.children.map(compile);
        const n = children.length;
        const stop: Truth = shape.kind === 'all' ? FALSE : TRUE;
        const unit: Truth = shape.kind === 'all' ? TRUE : FALSE;
        return () => {
          let result: Truth = unit;
          for (let j = 0; j < n; j++) {
            const t = children[j]!();
            if (t === stop) return stop;
            if (t === UNKNOWN) result = UNKNOWN;
          }
          return result;
        };
      }
      case 'not': {
        const child = compile(shape.child);
        return () => negate(child());
      }
      case 'anyLine':
      case 'allLines':
      case 'noLine': {
        const known = quantifiers.get(node.key);
        if (known !== undefined) return known;
        const q = quantCount++;
        const evaluate = compileQuantifier(shape.kind, shape.inner);
        const cached: PlannedCondition = () => {
          if (s.quantStamp[q] === s.epoch) return s.quantValues[q] as Truth;
          const t = evaluate(s.d);
          s.quantValues[q] = t;
          s.quantStamp[q] = s.epoch;
          return t;
        };
        quantifiers.set(node.key, cached);
        return cached;
      }
    }
  };

  return { compile, slotOf, begin, value };
}
