// What only the simulator knows about a declaration: whether it is honest and, if not, how it cheats.
// An inspection lane reports findings from it, so detection can be measured against the truth.
import type { Finding, InspectionOutcome } from '@clearway/schemas';
import { violationKinds, type ViolationKind } from './goods-catalogue.ts';

export interface HiddenGoods {
  hsCode: string;
  description: string;
  grossMassGrams: number;
  /** True value in US cents. */
  valueCents: number;
}

export interface GroundTruth {
  declarationId: string;
  amendment: number;
  violation: ViolationKind | null;
  /** The declared line concerned (undervalued, misdeclared, disguised contraband). */
  lineNo: number | null;
  /** Subheading the goods on lineNo really are (misdeclared HS code, disguised contraband). */
  trueHsCode: string | null;
  /** Declared and true value of the line, in the line's currency minor units (undervaluation). */
  declaredValueMinor: number | null;
  trueValueMinor: number | null;
  /** Goods on the truck that no line declares (undeclared or hidden contraband). */
  hidden: HiddenGoods | null;
  /** One sentence for the inspector's report. */
  detail: string;
}

export const isCompliant = (t: GroundTruth): boolean => t.violation === null;

export interface InspectionReport {
  outcome: InspectionOutcome;
  findings: Finding[];
}

/**
 * What a lane finds when it inspects the truck: nothing when the shipment is honest; a discrepancy for
 * wrong value or classification; a seizure for undeclared or prohibited goods.
 */
export function inspectionFindings(truth: GroundTruth): InspectionReport {
  const kind = truth.violation;
  if (kind === null) return { outcome: 'NO_FINDINGS', findings: [] };
  const finding: Finding = { code: kind, description: truth.detail, lineNo: truth.lineNo };
  switch (kind) {
    case 'UNDERVALUED':
    case 'MISDECLARED_HS':
      return { outcome: 'DISCREPANCY', findings: [finding] };
    case 'UNDECLARED_GOODS':
    case 'PROHIBITED_GOODS':
      return { outcome: 'SEIZURE', findings: [finding] };
  }
}

/** Flat string fields for a Redis hash. */
export function truthToHash(t: GroundTruth): Record<string, string> {
  return {
    declarationId: t.declarationId,
    amendment: String(t.amendment),
    violation: t.violation ?? 'NONE',
    lineNo: t.lineNo === null ? '' : String(t.lineNo),
    trueHsCode: t.trueHsCode ?? '',
    declaredValueMinor: t.declaredValueMinor === null ? '' : String(t.declaredValueMinor),
    trueValueMinor: t.trueValueMinor === null ? '' : String(t.trueValueMinor),
    hidden: t.hidden === null ? '' : JSON.stringify(t.hidden),
    detail: t.detail,
  };
}

const isKind = (v: string): v is ViolationKind => (violationKinds as readonly string[]).includes(v);
const num = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

/** Reads truthToHash's fields back; null when the hash is empty or not a truth record. */
export function truthFromHash(hash: Record<string, string>): GroundTruth | null {
  const { declarationId, amendment, violation } = hash;
  if (declarationId === undefined || amendment === undefined || violation === undefined) return null;
  return {
    declarationId,
    amendment: Number(amendment),
    violation: isKind(violation) ? violation : null,
    lineNo: num(hash.lineNo),
    trueHsCode: hash.trueHsCode || null,
    declaredValueMinor: num(hash.declaredValueMinor),
    trueValueMinor: num(hash.trueValueMinor),
    hidden: hash.hidden ? (JSON.parse(hash.hidden) as HiddenGoods) : null,
    detail: hash.detail ?? '',
  };
}
