// Ruleset test cases: declaration → expected class, level and fired rules, written by analysts in
// YAML next to the ruleset. Each case overrides a shared default declaration, so a case states only
// what matters to it. The report also says which rules no case exercises.
import type { Declaration, GoodsLine } from '@clearway/schemas';
import { InspectionLevelValues } from '@clearway/schemas';
import { z } from 'zod';
import { assess, type Assessment } from './assess.ts';
import type { CompiledRuleset } from './compiled-ruleset.ts';
import type { DecisionContext } from './decision-context.ts';
import { RulesetError } from './ruleset-error.ts';
import { validateDeclaration } from './validate-declaration.ts';

const partial = z.record(z.string(), z.unknown());
const caseSchema = z.strictObject({
  name: z.string().min(1),
  declaration: partial.default({}),
  lines: z.array(partial).min(1).default([{}]),
  context: partial.default({}),
  expect: z.strictObject({
    freightClass: z.string(),
    level: z.enum(InspectionLevelValues),
    /** Exactly the INDICATOR and MANDATORY rules that fire (order does not matter). */
    fired: z.array(z.string()),
    sampled: z.boolean().default(false),
    score: z.number().optional(),
  }),
});
const casesSchema = z.strictObject({
  defaults: z.strictObject({ declaration: partial, line: partial, context: partial }),
  cases: z.array(caseSchema).min(1),
});
export type RulesetCases = z.infer<typeof casesSchema>;

export function parseRulesetCases(source: unknown): RulesetCases {
  const parsed = casesSchema.safeParse(source);
  if (!parsed.success)
    throw new RulesetError(
      parsed.error.issues.map((i) => ({
        path: i.path.filter((p) => typeof p !== 'symbol'),
        message: i.message,
      })),
    );
  return parsed.data;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  failures: string[];
  assessment: Assessment | null;
}
export interface CasesReport {
  results: CaseResult[];
  /** Every rule with the names of the cases where it fired (freight-class rows: where they decided). */
  coverage: { ruleId: string; kind: string; cases: string[] }[];
  uncovered: string[];
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Objects merge key by key; arrays and scalars replace. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

export function runRulesetCases(
  ruleset: CompiledRuleset,
  cases: RulesetCases,
  knownHsCodes?: ReadonlySet<string>,
): CasesReport {
  const firedIn = new Map<string, string[]>();
  const results = cases.cases.map((c): CaseResult => {
    const goods = c.lines.map(
      (l, i) => deepMerge(deepMerge(cases.defaults.line, { lineNo: i + 1 }), l) as GoodsLine,
    );
    const declaration = deepMerge(deepMerge(cases.defaults.declaration, c.declaration), {
      goods,
    }) as Declaration;
    const context = deepMerge(cases.defaults.context, c.context) as DecisionContext;
    const failures: string[] = [];
    if (knownHsCodes !== undefined) {
      const invalid = validateDeclaration(declaration, knownHsCodes, new Set([declaration.port]));
      if (invalid.length > 0)
        return {
          name: c.name,
          passed: false,
          failures: invalid.map((r) => `invalid declaration: ${r}`),
          assessment: null,
        };
    }
    let a: Assessment;
    try {
      a = assess(ruleset, declaration, context);
    } catch (e) {
      // A malformed case (e.g. a missing field) makes the engine throw; report it against the case.
      return {
        name: c.name,
        passed: false,
        failures: [`assess threw: ${e instanceof Error ? e.message : String(e)}`],
        assessment: null,
      };
    }
    for (const r of a.firedRules) firedIn.set(r.ruleId, [...(firedIn.get(r.ruleId) ?? []), c.name]);
    const e = c.expect;
    if (a.freightClass !== e.freightClass)
      failures.push(`freight class ${a.freightClass}, expected ${e.freightClass}`);
    if (a.inspectionLevel !== e.level)
      failures.push(`level ${a.inspectionLevel}, expected ${e.level} (${a.decision.summary})`);
    if (a.sampled !== e.sampled) failures.push(`sampled ${a.sampled}, expected ${e.sampled}`);
    if (e.score !== undefined && a.score !== e.score) failures.push(`score ${a.score}, expected ${e.score}`);
    const fired = a.firedRules.filter((r) => r.kind !== 'FREIGHT_CLASS').map((r) => r.ruleId);
    const unexpected = fired.filter((id) => !e.fired.includes(id));
    const missing = e.fired.filter((id) => !fired.includes(id));
    if (unexpected.length > 0) failures.push(`unexpectedly fired: ${unexpected.join(', ')}`);
    if (missing.length > 0) failures.push(`did not fire: ${missing.join(', ')}`);
    return { name: c.name, passed: failures.length === 0, failures, assessment: a };
  });
  const allRules = [...ruleset.freightClasses, ...ruleset.mandatoryControls, ...ruleset.indicators];
  const coverage = allRules.map((r) => ({ ruleId: r.id, kind: r.kind, cases: firedIn.get(r.id) ?? [] }));
  return { results, coverage, uncovered: coverage.filter((c) => c.cases.length === 0).map((c) => c.ruleId) };
}
