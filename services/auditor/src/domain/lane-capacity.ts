// The parts of the dispatcher's ports file a backtest needs: which lanes can do which level, and how
// many trucks an hour each can take. Only these parts are validated; the dispatcher owns the rest.
import { z } from 'zod';
import type { InspectionLevel } from '@clearway/schemas';
import { levels } from './audit-records.ts';

const level = z.enum(['RELEASE', 'DOCUMENTARY', 'SCAN', 'PHYSICAL']);
export const portsFileSchema = z.object({
  requirements: z.object({ byLevel: z.partialRecord(level, z.array(z.string())) }),
  ports: z.array(
    z.object({
      code: z.string().min(1),
      lanes: z.array(
        z.object({
          id: z.string().min(1),
          capabilities: z.array(z.string()),
          capacity: z.number().int().positive(),
          serviceMinutes: z.partialRecord(level, z.number().positive()),
        }),
      ),
    }),
  ),
});

export interface LaneThroughput {
  port: string;
  laneId: string;
  level: InspectionLevel;
  /** Trucks an hour at this level with every bay busy (hours of opening not applied). */
  perHour: number;
}

export function laneThroughputs(file: z.infer<typeof portsFileSchema>): LaneThroughput[] {
  const out: LaneThroughput[] = [];
  for (const port of file.ports)
    for (const lane of port.lanes)
      for (const l of levels) {
        const needs = file.requirements.byLevel[l];
        const minutes = lane.serviceMinutes[l];
        if (needs === undefined || minutes === undefined) continue;
        if (!needs.every((c) => lane.capabilities.includes(c))) continue;
        out.push({ port: port.code, laneId: lane.id, level: l, perHour: (lane.capacity * 60) / minutes });
      }
  return out;
}
