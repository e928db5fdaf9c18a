import { loadHsNomenclature } from '@clearway/hs';
import { validateDeclaration } from '@clearway/categoriser';
import { createSimulator, simulatedEvents, type SimEvent, type SimulatorOptions } from './generator.ts';
import { hourlyTrucks, trafficProfiles } from './traffic-profile.ts';

// The HS data is read once here and passed in, as the service does; the generator itself does no I/O.
const nomenclature = loadHsNomenclature();
const hsSubheadings = new Map(nomenclature.filter((e) => e.level === 6).map((e) => [e.code, e.description]));
const knownHsCodes = new Set(nomenclature.map((e) => e.code));
const options: SimulatorOptions = {
  seed: 'unit',
  port: 'KHORGOS',
  hsSubheadings,
  profile: trafficProfiles.record,
  startDay: Date.parse('2025-06-14T19:00:00Z'),
};

const sim = createSimulator(options);
const days = [0, 1].map((d) => sim.generateDay(d));
const shipments = days.flatMap((d) => d.shipments);
const share = (p: (s: (typeof shipments)[number]) => boolean) =>
  shipments.filter(p).length / shipments.length;

describe('generator', () => {
  it('given the same seed, when a day is generated twice, then the traffic is identical', () => {
    const again = createSimulator(options).generateDay(0);
    expect(again.events).toEqual(days[0]!.events);
    const other = createSimulator({ ...options, seed: 'other' }).generateDay(0);
    expect(other.events).not.toEqual(days[0]!.events);
  });

  it('generates the profile’s trucks per day', () => {
    expect(days[0]!.shipments).toHaveLength(1927);
  });

  it('produces declarations the categoriser accepts, with real HS subheadings only', () => {
    for (const s of shipments)
      for (const v of s.versions) {
        expect(validateDeclaration(v.declaration, knownHsCodes, new Set(['KHORGOS']))).toEqual([]);
        for (const g of v.declaration.goods) expect(hsSubheadings.has(g.hsCode.slice(0, 6))).toBe(true);
      }
  });

  it('keeps shares near their configured values', () => {
    const nonCompliant = share((s) => s.versions[s.versions.length - 1]!.truth.violation !== null);
    expect(nonCompliant).toBeGreaterThan(0.06);
    expect(nonCompliant).toBeLessThan(0.1);
    const dangerous = share((s) => s.versions[0]!.declaration.goods.some((g) => g.dangerousGoods !== null));
    expect(dangerous).toBeGreaterThan(0.025);
    expect(dangerous).toBeLessThan(0.06);
    const reefer = share((s) => s.versions[0]!.declaration.goods.some((g) => g.temperatureControl !== null));
    expect(reefer).toBeGreaterThan(0.07);
    expect(reefer).toBeLessThan(0.11);
    expect(share((s) => s.versions.length > 1)).toBeGreaterThan(0.015);
    expect(share((s) => s.versions.length > 1)).toBeLessThan(0.05);
    expect(share((s) => s.booking !== null)).toBeCloseTo(0.7, 1);
    const directions = new Set(shipments.map((s) => s.versions[0]!.declaration.direction));
    expect([...directions].sort()).toEqual(['EXPORT', 'IMPORT', 'TRANSIT']);
  });

  it('follows a configured non-compliance share', () => {
    const strict = createSimulator({ ...options, nonCompliantShare: 0.2 }).generateDay(0).shipments;
    const bad = strict.filter((s) => s.versions[0]!.truth.violation !== null).length / strict.length;
    expect(bad).toBeGreaterThan(0.16);
    expect(bad).toBeLessThan(0.24);
  });

  it('makes riskier shipments violate more often', () => {
    const sorted = [...shipments].sort((a, b) => a.riskProbability - b.riskProbability);
    const rate = (xs: typeof shipments) =>
      xs.filter((s) => s.versions[0]!.truth.violation !== null).length / xs.length;
    const quarter = Math.floor(sorted.length / 4);
    expect(rate(sorted.slice(-quarter))).toBeGreaterThan(3 * rate(sorted.slice(0, quarter)));
  });

  it('books slots with late arrivals and no-shows whose declaration never comes', () => {
    const booked = shipments.filter((s) => s.booking !== null);
    const late = booked.filter((s) => s.arrivalAt > s.booking!.slot.end).length / booked.length;
    expect(late).toBeGreaterThan(0.08);
    expect(late).toBeLessThan(0.22);
    const noShows = days.flatMap((d) => d.noShows);
    expect(noShows.length).toBeGreaterThan(0);
    const declared = new Set(shipments.map((s) => s.versions[0]!.declaration.bookingId));
    for (const b of noShows) expect(declared.has(b.bookingId)).toBe(false);
  });

  it('gives undeclared goods away on the weighbridge more often than honest loads', () => {
    const gap = (s: (typeof shipments)[number]) => {
      const d = s.versions[0]!.declaration;
      const declared = d.goods.reduce((t, g) => t + g.grossMassGrams, 0);
      return d.weighbridgeGrossMassGrams === null
        ? null
        : Math.abs(d.weighbridgeGrossMassGrams - declared) / declared;
    };
    const flagged = (xs: typeof shipments) => {
      const weighed = xs.map(gap).filter((g): g is number => g !== null);
      return weighed.filter((g) => g > 0.05).length / weighed.length;
    };
    const undeclared = shipments.filter((s) => s.versions[0]!.truth.violation === 'UNDECLARED_GOODS');
    const honest = shipments.filter((s) => s.versions[0]!.truth.violation === null);
    expect(flagged(undeclared)).toBeGreaterThan(0.4);
    expect(flagged(honest)).toBeLessThan(0.05);
  });

  it('streams events of consecutive days in time order', () => {
    const stream = simulatedEvents(createSimulator(options));
    let previous = -Infinity;
    for (let i = 0; i < 5000; i++) {
      const e = stream.next().value as SimEvent;
      expect(e.at).toBeGreaterThanOrEqual(previous);
      previous = e.at;
    }
  });
});

describe('traffic profile', () => {
  it.each(Object.values(trafficProfiles))('$name: hourly trucks add up to the day’s total', (profile) => {
    const hours = hourlyTrucks(profile);
    expect(hours).toHaveLength(24);
    expect(hours.reduce((s, h) => s + h, 0)).toBe(profile.trucksPerDay);
  });

  it('the record profile is the record day of 1,927 trucks', () => {
    expect(trafficProfiles.record.trucksPerDay).toBe(1927);
  });
});
