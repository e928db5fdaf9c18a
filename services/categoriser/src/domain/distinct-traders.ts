// A declaration's traders, each once: the declarant, then the consignor and the consignee unless
// they are a trader already named. What an inspection result is credited to (routing facts) and
// what a new declaration counts for in trader history. A visitor rather than an array: the history
// calls it for every declaration it records, and an array (or a set) each was garbage at once.
import type { Declaration } from '@clearway/schemas';

export function forEachDistinctTrader(d: Declaration, visit: (traderId: string) => void): void {
  const declarant = d.declarant.id;
  const consignor = d.consignor.id;
  const consignee = d.consignee.id;
  visit(declarant);
  if (consignor !== declarant) visit(consignor);
  if (consignee !== declarant && consignee !== consignor) visit(consignee);
}
