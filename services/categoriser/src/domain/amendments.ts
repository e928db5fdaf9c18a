// Which amendments get assessed. A higher amendment supersedes; a stale or repeated one is recorded
// and not re-assessed. The recorded state carries the Kafka coordinates of the record that set it,
// so a batch retried after a failed transaction recognises its own earlier attempt and re-assesses.

export interface AmendmentState {
  amendment: number;
  /** `topic:partition:offset` of the record that was assessed. */
  source: string;
}

export type AmendmentVerdict =
  { kind: 'assess' } | { kind: 'stale'; reason: string } | { kind: 'duplicate'; reason: string };

export function judgeAmendment(
  recorded: AmendmentState | null,
  incoming: { declarationId: string; amendment: number; source: string },
): AmendmentVerdict {
  if (recorded === null || incoming.amendment > recorded.amendment) return { kind: 'assess' };
  if (incoming.amendment === recorded.amendment) {
    if (incoming.source === recorded.source) return { kind: 'assess' };
    return {
      kind: 'duplicate',
      reason: `amendment ${incoming.amendment} of ${incoming.declarationId} was already assessed (from ${recorded.source})`,
    };
  }
  return {
    kind: 'stale',
    reason: `amendment ${incoming.amendment} of ${incoming.declarationId} is older than amendment ${recorded.amendment}, already assessed`,
  };
}
