// Turns a parsed ruleset source into closures, with load-time checks. Throws RulesetError listing
// every problem with its path; returns warnings for things that are legal but probably wrong.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { CompiledRule, CompiledRuleset } from './compiled-ruleset.ts';
import { compileCondition, type CompileEnv } from './condition-compiler.ts';
import { createEvaluationPlan } from './evaluation-plan.ts';
import { createFieldCatalogue, type DeclarationField } from './fields.ts';
import { hsListPrefixes, implies, type ListPrefixes } from './implication.ts';
import { compileExplanation } from './planned-explanation.ts';
import { createSampleDraw } from './random-control.ts';
import { compileMembershipList, compileUnitValues, type MembershipList } from './managed-lists.ts';
import { RulesetError, formatPath, type RulesetProblem } from './ruleset-error.ts';
import {
  rulesetSourceSchema,
  type FreightClassRowSource,
  type IndicatorSource,
  type MandatoryControlSource,
  type RulesetSource,
} from './ruleset-schema.ts';

export interface CompileOptions {
  /** HS chapters, headings and subheadings of the nomenclature; enables "unknown HS code" warnings. */
  knownHsCodes?: ReadonlySet<string>;
}

type RuleSource = FreightClassRowSource | IndicatorSource | MandatoryControlSource;

export function compileRuleset(
  source: unknown,
  options: CompileOptions = {},
): { ruleset: CompiledRuleset; warnings: string[] } {
  const parsed = rulesetSourceSchema.safeParse(source);
  if (!parsed.success)
    throw new RulesetError(
      parsed.error.issues.map((i) => ({
        path: i.path.filter((p) => typeof p !== 'symbol'),
        message: i.message,
      })),
    );
  const src = parsed.data;
  const problems: RulesetProblem[] = [];
  const warnings: string[] = [];

  const lists = new Map<string, MembershipList>();
  for (const [name, list] of Object.entries(src.lists)) {
    if (list.kind !== 'unitValues') lists.set(name, compileMembershipList(name, list));
    const hsItems =
      list.kind === 'hsRanges'
        ? list.items.flatMap((r) => r.split('-'))
        : list.kind === 'unitValues'
          ? Object.keys(list.items)
          : [];
    for (const code of hsItems)
      if (options.knownHsCodes !== undefined && !options.knownHsCodes.has(code))
        warnings.push(`lists.${name}: HS code "${code}" is not in the HS nomenclature`);
  }
  let unitValueSource: Extract<RulesetSource['lists'][string], { kind: 'unitValues' }> | undefined;
  if (src.unitValueList !== undefined) {
    const l = src.lists[src.unitValueList];
    if (l?.kind !== 'unitValues')
      problems.push({ path: ['unitValueList'], message: `"${src.unitValueList}" is not a unitValues list` });
    else unitValueSource = l;
  }
  const fields = createFieldCatalogue(compileUnitValues(unitValueSource));
  const allFieldsRead = new Set<string>();
  const listsUsed = new Set<string>(src.unitValueList === undefined ? [] : [src.unitValueList]);
  const ids = new Map<string, string>();

  const compileRule = (
    rule: RuleSource,
    path: (string | number)[],
    kind: CompiledRule['kind'],
  ): CompiledRule => {
    const where = `${formatPath(path)} (${rule.id})`;
    const previous = ids.get(rule.id);
    if (previous !== undefined)
      problems.push({ path: [...path, 'id'], message: `duplicate id ${rule.id}, first used at ${previous}` });
    ids.set(rule.id, formatPath(path));
    const env: CompileEnv = {
      fields,
      lists,
      knownHsCodes: options.knownHsCodes,
      problems,
      warnings,
      fieldsRead: new Set(),
      unboundNullable: [],
    };
    const condition = rule.when === undefined ? null : compileCondition(rule.when, [...path, 'when'], env);
    if (env.unboundNullable.length > 0 && rule.ifMissing === undefined)
      problems.push({
        path: [...path, 'ifMissing'],
        message: `reads ${[...new Set(env.unboundNullable)].join(', ')}, which can be missing: say ifMissing: fire | skip on the rule, or ifMissing: true | false on the leaf`,
      });
    for (const f of env.fieldsRead) allFieldsRead.add(f);
    for (const name of collectListNames(rule.when)) listsUsed.add(name);
    const validFrom = rule.validFrom === undefined ? -Infinity : Date.parse(rule.validFrom);
    const validUntil = rule.validUntil === undefined ? Infinity : Date.parse(rule.validUntil);
    if (validUntil <= validFrom) warnings.push(`${where}: validUntil is not after validFrom, can never fire`);
    return {
      id: rule.id,
      kind,
      reason: rule.reason,
      condition,
      planned: null,
      plannedExplanation: null,
      fireOnUnknown: rule.ifMissing === 'fire',
      validFrom,
      validUntil,
      weight: 'weight' in rule ? rule.weight : 0,
      level: 'level' in rule ? rule.level : null,
      freightClass: 'class' in rule ? rule.class : null,
      expected: condition === null ? 'always' : condition.expected,
    };
  };

  const freightClasses = src.freightClasses.map((r, i) =>
    compileRule(r, ['freightClasses', i], 'FREIGHT_CLASS'),
  );
  const mandatoryControls = src.mandatoryControls.map((r, i) =>
    compileRule(r, ['mandatoryControls', i], 'MANDATORY'),
  );
  const indicators = src.indicators.map((r, i) => compileRule(r, ['indicators', i], 'INDICATOR'));

  checkFreightTable(src.freightClasses, (name) => hsListPrefixes(src.lists[name]), problems, warnings);
  for (const [i, r] of src.indicators.entries())
    if (r.weight === 0) warnings.push(`indicators[${i}] (${r.id}): weight 0 never changes the score`);
  for (const [i, r] of src.mandatoryControls.entries())
    if (r.level === 'RELEASE')
      warnings.push(`mandatoryControls[${i}] (${r.id}): level RELEASE never raises anything`);
  for (const name of Object.keys(src.lists))
    if (!listsUsed.has(name)) warnings.push(`lists.${name}: not used by any rule`);

  const t = src.thresholds;
  if (!(t.DOCUMENTARY <= t.SCAN && t.SCAN <= t.PHYSICAL))
    problems.push({ path: ['thresholds'], message: 'thresholds must rise: DOCUMENTARY <= SCAN <= PHYSICAL' });
  if (problems.length > 0) throw new RulesetError(problems);

  const reportedFeatures = [...allFieldsRead]
    .map((name) => fields.get(name))
    .filter(
      (f): f is DeclarationField =>
        f?.scope === 'declaration' && (f.type === 'number' || f.type === 'boolean'),
    );
  const plan = createEvaluationPlan();
  for (const rule of [...freightClasses, ...mandatoryControls, ...indicators])
    if (rule.condition !== null) {
      rule.planned = plan.compile(rule.condition);
      rule.plannedExplanation = compileExplanation(rule.condition, plan);
    }
  const ruleset: CompiledRuleset = {
    version: rulesetVersion(src),
    name: src.name,
    source: src,
    freightClasses,
    mandatoryControls,
    indicators,
    thresholds: [
      { level: 'PHYSICAL', min: t.PHYSICAL },
      { level: 'SCAN', min: t.SCAN },
      { level: 'DOCUMENTARY', min: t.DOCUMENTARY },
    ],
    trustedTraders: src.trustedTraders,
    sampling: src.sampling && {
      share: src.sampling.share,
      level: src.sampling.level,
      draw: createSampleDraw(src.sampling.seed),
    },
    reportedFeatures,
    plan,
    reportedFeatureSlots: reportedFeatures.map(plan.slotOf),
    featureTemplate: Object.fromEntries(reportedFeatures.map((f) => [f.name, ''])),
    fields,
  };
  return { ruleset, warnings };
}

/** The canonical JSON of a compiled ruleset: publish it; compileRuleset(JSON.parse(it)) gives the same version. */
export function canonicalRulesetJson(ruleset: CompiledRuleset): string {
  return canonicalJson(ruleset.source);
}

function rulesetVersion(src: RulesetSource): string {
  return `sha256:${createHash('sha256').update(canonicalJson(src)).digest('hex')}`;
}

function collectListNames(cond: unknown): string[] {
  if (typeof cond !== 'object' || cond === null) return [];
  if (Array.isArray(cond)) return cond.flatMap(collectListNames);
  const rec = cond as Record<string, unknown>;
  const own = [rec.inList, rec.notInList].filter((x): x is string => typeof x === 'string');
  return [...own, ...Object.values(rec).flatMap(collectListNames)];
}

/** First match wins: the last row must match everything, and no row may be unreachable. */
function checkFreightTable(
  rows: readonly FreightClassRowSource[],
  listPrefixes: ListPrefixes,
  problems: RulesetProblem[],
  warnings: string[],
): void {
  const last = rows.length - 1;
  rows.forEach((row, i) => {
    const unconditional =
      row.when === undefined && row.validFrom === undefined && row.validUntil === undefined;
    if (i === last && !unconditional)
      problems.push({
        path: ['freightClasses', i],
        message: `the last row (${row.id}) must have no "when" and no validity window, so every declaration gets a class`,
      });
    if (i < last && row.when === undefined)
      problems.push({
        path: ['freightClasses', i, 'when'],
        message: `only the last row may be unconditional; rows after ${row.id} could never match`,
      });
    for (let j = 0; j < i; j++) {
      const earlier = rows[j]!;
      const earlierAlways = earlier.validFrom === undefined && earlier.validUntil === undefined;
      if (
        earlierAlways &&
        earlier.when !== undefined &&
        row.when !== undefined &&
        implies(row.when, earlier.when, listPrefixes)
      ) {
        warnings.push(
          `freightClasses[${i}] (${row.id}): shadowed by freightClasses[${j}] (${earlier.id}), which matches everything it matches`,
        );
        break;
      }
    }
  });
}
