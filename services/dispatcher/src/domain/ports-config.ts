// The port and lane reference data, validated with zod. Parsing is pure (the YAML text is read by
// adapters/ports-file.ts); problems name the entry, e.g. `ports.0.lanes.2.capacity`.
import { z } from 'zod';
import { InspectionLevelValues, type InspectionLevel } from '@clearway/schemas';

export const capabilities = [
  'documentary',
  'xray',
  'physical',
  'hazardous',
  'temperature',
  'livestock',
  'oversize',
] as const;
export type Capability = (typeof capabilities)[number];

const level = z.enum(InspectionLevelValues);
const inspectedLevel = level.exclude(['RELEASE']);
const capability = z.enum(capabilities);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const minutesByLevel = z.partialRecord(inspectedLevel, z.number().positive());

const laneSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, . _ - only'),
    capabilities: z.array(capability).min(1),
    capacity: z.number().int().min(1).max(50),
    serviceMinutes: minutesByLevel,
    serviceMinutesByClass: z.record(z.string(), minutesByLevel).default({}),
    hours: z.union([z.literal('24h'), z.array(z.object({ from: clock, to: clock })).min(1)]),
    initiallyOpen: z.boolean().default(true),
  })
  .strict();

const portSchema = z
  .object({
    code: z.string().regex(/^[A-Z0-9_]+$/),
    name: z.string().min(1),
    utcOffsetMinutes: z.number().int().min(-720).max(840),
    lanes: z.array(laneSchema).min(1),
  })
  .strict()
  .superRefine((port, ctx) => {
    const seen = new Set<string>();
    port.lanes.forEach((lane, i) => {
      if (seen.has(lane.id))
        ctx.addIssue({ code: 'custom', path: ['lanes', i, 'id'], message: `duplicate lane ${lane.id}` });
      seen.add(lane.id);
    });
  });

export const portsConfigSchema = z
  .object({
    requirements: z
      .object({
        byLevel: z.record(inspectedLevel, z.array(capability)),
        byFreightClass: z.object({
          appliesTo: z.array(inspectedLevel),
          classes: z.record(z.string(), z.array(capability)),
        }),
      })
      .strict(),
    ports: z.array(portSchema).min(1),
  })
  .strict()
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.ports.forEach((port, i) => {
      if (seen.has(port.code))
        ctx.addIssue({ code: 'custom', path: ['ports', i, 'code'], message: `duplicate port ${port.code}` });
      seen.add(port.code);
    });
  });

export type PortsConfig = z.infer<typeof portsConfigSchema>;
export type PortConfig = PortsConfig['ports'][number];
export type LaneConfig = PortConfig['lanes'][number];
export type InspectedLevel = Exclude<InspectionLevel, 'RELEASE'>;

/** Validates parsed YAML; throws an Error listing every problem with its path. */
export function parsePortsConfig(value: unknown): PortsConfig {
  const result = portsConfigSchema.safeParse(value);
  if (result.success) return result.data;
  throw new Error(
    `invalid ports configuration:\n${result.error.issues
      .map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('\n')}`,
  );
}
