import { join } from 'node:path';
import { parsePortsConfig } from '../domain/ports-config.ts';
import { loadPortsConfig } from './ports-file.ts';
import {
  capableLanes,
  chooseLane,
  emptyLoad,
  expectedWait,
  lanesInHours,
  withinHours,
  type LaneLoad,
} from '../domain/lanes.ts';

// The shipped configuration, read once; everything below is pure.
const config = loadPortsConfig(join(import.meta.dirname, '..', '..', 'ports', 'ports.yaml'));
const khorgos = config.ports.find((p) => p.code === 'KHORGOS')!;
const load = (over: Partial<LaneLoad>): LaneLoad => ({ ...emptyLoad(), ...over });

describe('ports configuration', () => {
  test('the shipped file has a Khorgos-like and an Alashankou-like port', () => {
    expect(config.ports.map((p) => p.code)).toEqual(['KHORGOS', 'ALASHANKOU']);
  });
  const withLanes = (lanes: unknown[]) => ({
    requirements: config.requirements,
    ports: [{ code: 'X', name: 'x', utcOffsetMinutes: 0, lanes }],
  });
  test('a bad file names each bad entry', () => {
    expect(() =>
      parsePortsConfig(
        withLanes([
          { id: 'A', capabilities: ['teleport'], capacity: 0, serviceMinutes: {}, hours: '24h' },
          {
            id: 'B',
            capabilities: ['xray'],
            capacity: 1,
            serviceMinutes: {},
            hours: [{ from: '25:00', to: '01:00' }],
          },
        ]),
      ),
    ).toThrow(
      /ports\.0\.lanes\.0\.capabilities\.0[\s\S]*ports\.0\.lanes\.0\.capacity[\s\S]*ports\.0\.lanes\.1\.hours\.0\.from/,
    );
  });
  test('a lane id used twice in a port is named', () => {
    const lane = { id: 'A', capabilities: ['xray'], capacity: 1, serviceMinutes: { SCAN: 5 }, hours: '24h' };
    expect(() => parsePortsConfig(withLanes([lane, lane]))).toThrow(
      /ports\.0\.lanes\.1\.id: duplicate lane A/,
    );
  });
});

describe('capable lanes', () => {
  test('given a hazardous truck for physical inspection, only the hazardous bay qualifies', () => {
    expect(capableLanes(config, khorgos, 'HAZARDOUS', 'PHYSICAL').map((c) => c.lane)).toEqual(['KGS-HAZ-1']);
  });
  test('given an oversize scan, lanes need both x-ray and oversize, with class-specific service time', () => {
    expect(capableLanes(config, khorgos, 'OVERSIZE', 'SCAN')).toEqual([
      { lane: 'KGS-XRAY-1', cap: 1, svc: 20, open0: true },
    ]);
  });
  test('documentary checks need only a desk, whatever the class', () => {
    expect(capableLanes(config, khorgos, 'LIVESTOCK', 'DOCUMENTARY').map((c) => c.lane)).toEqual([
      'KGS-DOC-1',
      'KGS-DOC-2',
      'KGS-XRAY-1',
      'KGS-PHY-1',
    ]);
  });
  test('a released truck needs no lane', () => {
    expect(capableLanes(config, khorgos, 'GENERAL', 'RELEASE')).toEqual([]);
  });
});

describe('opening hours', () => {
  const vet = khorgos.lanes.find((l) => l.id === 'KGS-VET-1')!; // 07:00–19:00 local, UTC+5
  test('given local 10:00, the veterinary bay is open; at local 20:00 it is not', () => {
    expect(withinHours(vet, 300, Date.parse('2026-11-20T05:00:00Z'))).toBe(true);
    expect(withinHours(vet, 300, Date.parse('2026-11-20T15:00:00Z'))).toBe(false);
  });
  test('a window across midnight covers both sides of it', () => {
    const night = { ...vet, hours: [{ from: '22:00', to: '06:00' }] };
    expect(withinHours(night, 0, Date.parse('2026-11-20T23:30:00Z'))).toBe(true);
    expect(withinHours(night, 0, Date.parse('2026-11-20T05:59:00Z'))).toBe(true);
    expect(withinHours(night, 0, Date.parse('2026-11-20T06:00:00Z'))).toBe(false);
  });
  test('24-hour lanes are always in hours', () => {
    expect(lanesInHours(khorgos, Date.parse('2026-11-20T20:00:00Z'))).toEqual(
      khorgos.lanes.filter((l) => l.hours === '24h').map((l) => l.id),
    );
  });
});

describe('lane choice', () => {
  const candidates = capableLanes(config, khorgos, 'GENERAL', 'DOCUMENTARY');
  const all = new Set(candidates.map((c) => c.lane));

  test('expected wait is the work at the lane spread over its places, trucks in service counted', () => {
    expect(expectedWait(load({ count: 4, load: 4 * 8 * 60 }), 2, false)).toEqual({
      ahead: 4,
      minutes: (4 * 8 * 60) / 2,
    });
  });
  test('a priority truck waits only behind trucks in service and other priority trucks', () => {
    const l = load({ count: 6, load: 6000, ins: 2, insLoad: 1000, pri: 1, priLoad: 500 });
    expect(expectedWait(l, 2, true)).toEqual({ ahead: 3, minutes: 750 });
  });
  test('given empty lanes, the first capable one in configuration order wins the tie', () => {
    expect(chooseLane(candidates, new Map(), all, false)).toEqual({
      lane: 'KGS-DOC-1',
      ahead: 0,
      waitMinutes: 0,
      considered: 4,
    });
  });
  test('given a busy desk, the truck goes to the lane with the least expected wait', () => {
    const loads = new Map([
      ['KGS-DOC-1', load({ count: 6, load: 6 * 8 })],
      ['KGS-DOC-2', load({ count: 2, load: 16 })],
      ['KGS-XRAY-1', load({ count: 1, load: 10 })],
      ['KGS-PHY-1', load({ count: 2, load: 20 })],
    ]);
    expect(chooseLane(candidates, loads, all, false)?.lane).toBe('KGS-DOC-2');
  });
  test('closed lanes and lanes out of hours are skipped; none open gives null', () => {
    const loads = new Map([['KGS-DOC-1', load({ open: false })]]);
    expect(chooseLane(candidates, loads, new Set(['KGS-DOC-1', 'KGS-DOC-2']), false)?.lane).toBe('KGS-DOC-2');
    expect(chooseLane(candidates, loads, new Set(['KGS-DOC-1']), false)).toBeNull();
  });
});
