// Explanations of fired rules on the evaluation plan: the same text as ConditionNode.explain (the
// reference), but sub-condition truths come from the plan's caches and HS memo instead of walking the
// reference closures again, values from the declaration-field cache, and the text is appended to one
// string instead of an array joined at the end.
import type { Declaration, GoodsLine } from '@clearway/schemas';
import { TRUE, UNKNOWN, formatValue, type ConditionNode, type Truth } from './condition-compiler.ts';
import type { DecisionContext } from './decision-context.ts';
import type { EvaluationPlan, PlannedCondition, PlannedLineCondition } from './evaluation-plan.ts';

/** What one explanation saw: observed parts joined by "; ", their count, and the first line. */
export interface Explanation {
  text: string;
  count: number;
  lineNo: number | null;
  /** "line N: " while a line quantifier explains its inner condition, else "". */
  prefix: string;
}

/** Explains a rule's condition for the declaration given to plan.begin(), appending to `out`. */
export type PlannedExplanation = (d: Declaration, c: DecisionContext, out: Explanation) => void;
type LineExplanation = (
  line: GoodsLine,
  i: number,
  d: Declaration,
  c: DecisionContext,
  out: Explanation,
) => void;

function observe(out: Explanation, part: string): void {
  out.text = out.count === 0 ? out.prefix + part : `${out.text}; ${out.prefix}${part}`;
  out.count++;
}

const linePrefixes = Array.from({ length: 100 }, (_, n) => `line ${n}: `);
const linePrefix = (lineNo: number): string => linePrefixes[lineNo] ?? `line ${lineNo}: `;

/** The first of the conditions that is TRUE, else the first UNKNOWN, else -1 (as `any` explains). */
function firstDeciding(truths: readonly PlannedCondition[]): number {
  let unknown = -1;
  for (let j = 0; j < truths.length; j++) {
    const t = truths[j]!();
    if (t === TRUE) return j;
    if (t === UNKNOWN && unknown < 0) unknown = j;
  }
  return unknown;
}

export function compileExplanation(node: ConditionNode, plan: EvaluationPlan): PlannedExplanation {
  const shape = node.shape;
  switch (shape.kind) {
    case 'never':
      return () => undefined;
    case 'leaf': {
      const field = shape.field;
      if (field.scope === 'line') throw new TypeError(`line field ${field.name} outside a quantifier`);
      const slot = plan.slotOf(field);
      const label = `${field.name}=`;
      return (_d, _c, out) => observe(out, label + formatValue(plan.value(slot)));
    }
    case 'all': {
      const children = shape.children.map((child) => compileExplanation(child, plan));
      return (d, c, out) => {
        for (let j = 0; j < children.length; j++) children[j]!(d, c, out);
      };
    }
    case 'any': {
      const truths = shape.children.map(plan.compile);
      const children = shape.children.map((child) => compileExplanation(child, plan));
      return (d, c, out) => {
        const hit = firstDeciding(truths);
        if (hit >= 0) children[hit]!(d, c, out);
      };
    }
    case 'not':
      return compileExplanation(shape.child, plan);
    case 'anyLine': {
      const test = plan.compileLine(shape.inner);
      const inner = compileLineExplanation(shape.inner, plan);
      return (d, c, out) => {
        const goods = d.goods;
        let unknown = -1;
        for (let i = 0; i < goods.length; i++) {
          const t = test(goods[i]!, i);
          if (t === TRUE) return explainLine(inner, goods[i]!, i, d, c, out);
          if (t === UNKNOWN && unknown < 0) unknown = i;
        }
        if (unknown >= 0) explainLine(inner, goods[unknown]!, unknown, d, c, out);
      };
    }
    case 'noLine':
      return (d, _c, out) => observe(out, `none of ${d.goods.length} line(s) matched`);
    case 'allLines': {
      const inner = compileLineExplanation(shape.inner, plan);
      return (d, c, out) => {
        const goods = d.goods;
        const shown = Math.min(goods.length, 3);
        for (let i = 0; i < shown; i++) explainLine(inner, goods[i]!, i, d, c, out);
        if (goods.length > 3) observe(out, `(and ${goods.length - 3} more line(s))`);
        out.lineNo = null;
      };
    }
  }
}

function explainLine(
  inner: LineExplanation,
  line: GoodsLine,
  i: number,
  d: Declaration,
  c: DecisionContext,
  out: Explanation,
): void {
  out.prefix = linePrefix(line.lineNo);
  inner(line, i, d, c, out);
  out.prefix = '';
  out.lineNo ??= line.lineNo;
}

function compileLineExplanation(node: ConditionNode, plan: EvaluationPlan): LineExplanation {
  const shape = node.shape;
  switch (shape.kind) {
    case 'never':
      return () => undefined;
    case 'leaf': {
      const field = shape.field;
      const label = `${field.name}=`;
      if (field.scope === 'declaration') {
        const slot = plan.slotOf(field);
        return (_line, _i, _d, _c, out) => observe(out, label + formatValue(plan.value(slot)));
      }
      const get = field.get;
      return (line, _i, d, c, out) => observe(out, label + formatValue(get(line, d, c)));
    }
    case 'all': {
      const children = shape.children.map((child) => compileLineExplanation(child, plan));
      return (line, i, d, c, out) => {
        for (let j = 0; j < children.length; j++) children[j]!(line, i, d, c, out);
      };
    }
    case 'any': {
      const truths: PlannedLineCondition[] = shape.children.map(plan.compileLine);
      const children = shape.children.map((child) => compileLineExplanation(child, plan));
      return (line, i, d, c, out) => {
        let unknown = -1;
        for (let j = 0; j < truths.length; j++) {
          const t: Truth = truths[j]!(line, i);
          if (t === TRUE) return children[j]!(line, i, d, c, out);
          if (t === UNKNOWN && unknown < 0) unknown = j;
        }
        if (unknown >= 0) children[unknown]!(line, i, d, c, out);
      };
    }
    case 'not':
      return compileLineExplanation(shape.child, plan);
    case 'anyLine':
    case 'allLines':
    case 'noLine':
      throw new TypeError(`${shape.kind} inside a line condition`);
  }
}
