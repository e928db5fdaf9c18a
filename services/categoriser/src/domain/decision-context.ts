/** A trader's history at this administration, read from Redis by the service. */
export interface TraderStats {
  declarations: number;
  inspections: number;
  findings: number;
  seizures: number;
}

/** Everything besides the declaration that a decision may depend on; null means unknown, never "none". */
export interface DecisionContext {
  declarant: TraderStats | null;
  consignor: TraderStats | null;
  consignee: TraderStats | null;
  pairSeenBefore: boolean | null;
  bookedGrossMassGrams: number | null;
}
