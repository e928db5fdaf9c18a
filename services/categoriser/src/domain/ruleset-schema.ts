// The shape of a ruleset source (YAML or the canonical JSON). Objects are strict so a misspelt key
// is an error, not a silently ignored setting. Conditions are checked by condition-compiler.ts, which
// knows the field catalogue and can say which field or operator is wrong.
import { AeoStatusValues, InspectionLevelValues } from '@clearway/schemas';
import { z } from 'zod';

const isoInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'expected an ISO date or date-time with offset, e.g. 2025-01-01 or 2025-01-01T00:00:00Z',
  )
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date');

export const ruleId = z.string().regex(/^[A-Z][A-Z0-9_-]*$/, 'ids are UPPER-CASE letters, digits, - and _');
const level = z.enum(InspectionLevelValues);
const condition = z.unknown();
const ifMissing = z.enum(['fire', 'skip']).optional();

const validity = {
  validFrom: isoInstant.optional(),
  validUntil: isoInstant.optional(),
};

const hsPattern = /^\d{2}(\d{2}(\d{2})?)?$/;
const hsRange = z
  .string()
  .refine(
    (s) => s.split('-').every((p) => hsPattern.test(p)) && s.split('-').length <= 2,
    'expected an HS prefix (2, 4 or 6 digits) or a range like 2203-2208',
  );

export const managedListSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('traders'),
    description: z.string().optional(),
    items: z.array(z.string().min(1)),
  }),
  z.strictObject({
    kind: z.literal('countries'),
    description: z.string().optional(),
    items: z.array(z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case')),
  }),
  z.strictObject({
    kind: z.literal('hsRanges'),
    description: z.string().optional(),
    items: z.array(hsRange),
  }),
  z.strictObject({
    kind: z.literal('unitValues'),
    description: z.string().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'ISO 4217'),
    /** Minimum plausible value per kg net, in minor units of `currency`, by HS prefix (4 or 6 digits). */
    items: z.record(z.string().regex(/^\d{4}(\d{2})?$/, 'HS heading or subheading'), z.number().positive()),
  }),
]);
export type ManagedListSource = z.infer<typeof managedListSchema>;

export const freightClassRowSchema = z.strictObject({
  id: ruleId,
  class: z.string().regex(/^[A-Z][A-Z_]*$/, 'freight classes are UPPER_CASE'),
  reason: z.string().min(1),
  when: condition.optional(),
  ifMissing,
  ...validity,
});

export const indicatorSchema = z.strictObject({
  id: ruleId,
  weight: z.number().int(),
  reason: z.string().min(1),
  when: condition,
  ifMissing,
  ...validity,
});

export const mandatoryControlSchema = z.strictObject({
  id: ruleId,
  level,
  reason: z.string().min(1),
  when: condition,
  ifMissing,
  ...validity,
});

export const rulesetSourceSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  /** Which unitValues list feeds the unitValueRatio feature. */
  unitValueList: z.string().optional(),
  lists: z
    .record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'list names are camelCase'), managedListSchema)
    .default({}),
  freightClasses: z.array(freightClassRowSchema).min(1),
  mandatoryControls: z.array(mandatoryControlSchema).default([]),
  indicators: z.array(indicatorSchema).default([]),
  /** Minimum final score for each level; RELEASE below the lowest. */
  thresholds: z.strictObject({ DOCUMENTARY: z.number(), SCAN: z.number(), PHYSICAL: z.number() }),
  trustedTraders: z
    .strictObject({
      party: z.enum(['declarant', 'consignor', 'consignee']),
      adjustments: z.partialRecord(
        z.enum(AeoStatusValues),
        z.number().int().max(0, 'a trusted-trader adjustment lowers the score'),
      ),
    })
    .optional(),
  sampling: z
    .strictObject({
      share: z.number().min(0).max(1),
      level,
      seed: z.string().min(8, 'use a seed of at least 8 characters'),
    })
    .optional(),
});
export type RulesetSource = z.infer<typeof rulesetSourceSchema>;
export type IndicatorSource = z.infer<typeof indicatorSchema>;
export type MandatoryControlSource = z.infer<typeof mandatoryControlSchema>;
export type FreightClassRowSource = z.infer<typeof freightClassRowSchema>;

/** Keys a condition leaf may use besides `field` and `ifMissing`: exactly one operator. */
export const operatorNames = [
  'equals',
  'notEquals',
  'in',
  'notIn',
  'between',
  'gt',
  'gte',
  'lt',
  'lte',
  'hsPrefix',
  'inList',
  'notInList',
  'includes',
  'excludes',
  'present',
  'absent',
] as const;
export type OperatorName = (typeof operatorNames)[number];
