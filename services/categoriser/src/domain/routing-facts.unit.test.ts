import { aDeclaration } from './test-declarations.ts';
import { routingFacts } from './routing-facts.ts';

describe('routing facts', () => {
  it('copies the truck and booking and names each trader once', () => {
    const slot = { start: Date.parse('2025-06-01T11:00:00Z'), end: Date.parse('2025-06-01T12:00:00Z') };
    const d = aDeclaration({ bookingId: 'BK-1', slot });
    const facts = routingFacts(d);
    expect(facts).toEqual({
      tractorPlate: d.vehicle.tractorPlate,
      bookingId: d.bookingId,
      slot: d.slot,
      traders: [d.declarant.id, d.consignor.id, d.consignee.id],
    });
    expect(facts.slot).not.toBe(d.slot); // a copy: the assessment does not share the declaration's object
  });

  it('credits a trader acting in two roles once', () => {
    const d = aDeclaration();
    const selfDeclared = { ...d, declarant: d.consignee };
    const facts = routingFacts(selfDeclared);
    expect(facts.traders).toEqual([d.consignee.id, d.consignor.id]);
    expect(facts.bookingId).toBeNull();
    expect(facts.slot).toBeNull();
  });
});
