// The fast evaluation of compiled conditions. The condition nodes stay the reference semantics (and
// explain fired rules); this plan evaluates the same trees with per-declaration caches:
// - declaration fields are computed once per declaration and shared by every rule and by the
//   reported features;
// - each distinct line quantifier (anyLine/allLines/noLine over the same inner condition) is
//   evaluated once per declaration, however many rules use it;
// - every sub-condition that depends only on a line's first six HS digits (HS lists, prefixes,
//   chapters, headings) is evaluated once per distinct subheading and remembered, so per line it is
//   one table read;
// - begin() copies each line's memo row and ORs them over the lines, so a quantifier over such a
//   sub-condition alone is a few bit operations, and one over all(HS part, other parts) is known to
//   be false without visiting a line when no line passes the HS part.
// Evaluation is synchronous and one declaration at a time, so the scratch state is shared.
import type { Declaration, GoodsLine } from '@clearway/schemas';
import { FALSE, TRUE, UNKNOWN, type ConditionNode, type Truth } from './condition-compiler.ts';
import type { DecisionContext } from './decision-context.ts';
import type { DeclarationField, FieldValue } from './fields.ts';

export type PlannedCondition = () => Truth;
/** A line-scope condition on line i of the declaration given to begin(). */
export type PlannedLineCondition = (line: GoodsLine, i: number) => Truth;

export interface EvaluationPlan {
  /** Compiles a declaration-scope condition; the result reads the declaration given to begin(). */
  compile: (node: ConditionNode) => PlannedCondition;
  /** Compiles a line-scope condition (one inside a quantifier) for the declaration given to begin(). */
  compileLine: (node: ConditionNode) => PlannedLineCondition;
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
  /** hs6 → row offset + 1 (0: not computed yet); allocated on first use. */
  memoIndex: Int32Array | null;
  /** One row per subheading seen: each HS sub-condition's Truth in 2 bits, 16 to a word. */
  memoBits: Int32Array;
  memoUsed: number;
  /** Words per row. */
  memoWords: number;
  /** Row of goods line i at i * memoWords (its subheading's memo row, or computed on the line itself). */
  lineBits: Int32Array;
  /** Per word, the low bit of each 2-bit field set when some line is TRUE / UNKNOWN / FALSE there. */
  someTrue: Int32Array;
  someUnknown: Int32Array;
  someFalse: Int32Array;
}

const LOW_BITS = 0x55555555;

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
    memoIndex: null,
    memoBits: new Int32Array(0),
    memoUsed: 0,
    memoWords: 0,
    lineBits: new Int32Array(0),
    someTrue: new Int32Array(0),
    someUnknown: new Int32Array(0),
    someFalse: new Int32Array(0),
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
    const known = s.memoIndex![hs6]!;
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
    fillRow(s.memoBits, row, { hsCode: String(hs6).padStart(6, '0') } as GoodsLine);
    s.memoIndex![hs6] = row + 1;
    return row;
  };

  const fillRow = (bits: Int32Array, row: number, line: GoodsLine): void => {
    for (let k = 0; k < hsNodes.length; k++) {
      const t = hsNodes[k]!.evaluate(s.d, s.c, line);
      bits[row + (k >> 4)] = bits[row + (k >> 4)]! | (t << ((k & 15) * 2));
    }
  };

  /** Copies each line's row into lineBits and ORs the rows into someTrue / someUnknown / someFalse. */
  const beginLines = (goods: readonly GoodsLine[]): void => {
    const w = Math.ceil(hsNodes.length / 16);
    if (s.memoIndex === null || s.memoWords !== w) {
      s.memoIndex = new Int32Array(HS6_SPACE);
      s.memoWords = w;
      s.memoBits = new Int32Array(w * 256);
      s.memoUsed = 0;
      s.someTrue = new Int32Array(w);
      s.someUnknown = new Int32Array(w);
      s.someFalse = new Int32Array(w);
    }
    if (s.lineBits.length < goods.length * w) s.lineBits = new Int32Array(goods.length * w * 2);
    const { lineBits, someTrue, someUnknown, someFalse } = s;
    for (let j = 0; j < w; j++) {
      someTrue[j] = 0;
      someUnknown[j] = 0;
      someFalse[j] = 0;
    }
    for (let i = 0; i < goods.length; i++) {
      const line = goods[i]!;
      const at = i * w;
      const hs6 = hs6Of(line.hsCode);
      if (hs6 >= 0) {
        const row = memoRow(hs6);
        const memo = s.memoBits;
        for (let j = 0; j < w; j++) lineBits[at + j] = memo[row + j]!;
      } else {
        // Fewer than six leading digits: the sub-conditions see the code itself, not a subheading.
        for (let j = 0; j < w; j++) lineBits[at + j] = 0;
        fillRow(lineBits, at, line);
      }
      for (let j = 0; j < w; j++) {
        const x = lineBits[at + j]!;
        someTrue[j] = someTrue[j]! | (x & LOW_BITS);
        someUnknown[j] = someUnknown[j]! | ((x >>> 1) & LOW_BITS);
        someFalse[j] = someFalse[j]! | (~(x | (x >>> 1)) & LOW_BITS);
      }
    }
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
    if (hsNodes.length !== 0) beginLines(d.goods);
  };

  /** Index of an HS-only sub-condition in the memo rows, registering it on first sight. */
  const hsSlotOf = (node: ConditionNode): number => {
    let k = hsIndex.get(node.key);
    if (k === undefined) {
      k = hsNodes.length;
      hsNodes.push(node);
      hsIndex.set(node.key, k);
    }
    return k;
  };

  const compileLine = (node: ConditionNode): PlannedLineCondition => {
    if (dependsOnlyOnHs6(node)) {
      const k = hsSlotOf(node);
      const word = k >> 4;
      const shift = (k & 15) * 2;
      return (_line, i) => ((s.lineBits[i * s.memoWords + word]! >>> shift) & 3) as Truth;
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

  /** Some line is TRUE or UNKNOWN on HS sub-condition k (FALSE on every line otherwise). */
  const somePasses = (k: number): boolean =>
    (((s.someTrue[k >> 4]! | s.someUnknown[k >> 4]!) >>> ((k & 15) * 2)) & 1) !== 0;

  /** A quantifier over an HS-only condition, read from the line aggregates begin() computed. */
  const compileHsQuantifier = (kind: 'anyLine' | 'allLines' | 'noLine', k: number): PlannedCondition => {
    const word = k >> 4;
    const shift = (k & 15) * 2;
    const anyLine = (): Truth =>
      ((s.someTrue[word]! >>> shift) & 1) !== 0
        ? TRUE
        : ((s.someUnknown[word]! >>> shift) & 1) !== 0
          ? UNKNOWN
          : FALSE;
    switch (kind) {
      case 'anyLine':
        return anyLine;
      case 'noLine':
        return () => negate(anyLine());
      case 'allLines':
        return () =>
          s.d.goods.length === 0 || ((s.someFalse[word]! >>> shift) & 1) !== 0
            ? FALSE
            : ((s.someUnknown[word]! >>> shift) & 1) !== 0
              ? UNKNOWN
              : TRUE;
    }
  };

  const compileQuantifier = (
    kind: 'anyLine' | 'allLines' | 'noLine',
    inner: ConditionNode,
  ): ((d: Declaration) => Truth) => {
    const test = compileLine(inner);
    // all(HS part, ...) is FALSE on every line when no line passes the HS part: then anyLine and
    // allLines are FALSE and noLine is TRUE without visiting a line.
    const hsParts =
      inner.shape.kind === 'all' ? inner.shape.children.filter(dependsOnlyOnHs6).map(hsSlotOf) : [];
    const noLineCanPass = (): boolean => {
      for (let j = 0; j < hsParts.length; j++) if (!somePasses(hsParts[j]!)) return true;
      return false;
    };
    const anyLine = (d: Declaration): Truth => {
      if (noLineCanPass()) return FALSE;
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
          if (goods.length === 0 || noLineCanPass()) return FALSE;
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
        if (dependsOnlyOnHs6(shape.inner)) {
          const aggregated = compileHsQuantifier(shape.kind, hsSlotOf(shape.inner));
          quantifiers.set(node.key, aggregated);
          return aggregated;
        }
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

  return { compile, compileLine, slotOf, begin, value };
}
