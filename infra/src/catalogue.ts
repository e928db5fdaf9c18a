import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

const topicSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9._-]+$/),
    event: z.string().min(1),
    key: z.string().min(1),
    partitions: z.number().int().positive(),
    retentionMs: z.number().int().min(-1).optional(),
    compacted: z.boolean().default(false),
    deadLetter: z.boolean().default(false),
    description: z.string().min(1),
    producers: z.array(z.string()).min(1),
    consumers: z.array(z.string()).min(1),
  })
  .strict();

export type TopicSpec = z.infer<typeof topicSchema>;

const catalogueSchema = z.object({ topics: z.array(topicSchema).min(1) }).strict();

/** Path of the catalogue file, for tools that report where a topic came from. */
export const cataloguePath = join(import.meta.dirname, '..', 'topics.yaml');

/** Reads and validates infra/topics.yaml. Throws with the path of the bad entry. */
export function loadTopicCatalogue(path = cataloguePath): TopicSpec[] {
  const parsed = catalogueSchema.safeParse(parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const names = new Set<string>();
  for (const t of parsed.data.topics) {
    if (names.has(t.name)) throw new Error(`${path}: topic ${t.name} listed twice`);
    names.add(t.name);
  }
  return parsed.data.topics;
}

/** The subject a topic's value schema is registered under (TopicNameStrategy). */
export const valueSubject = (topic: string): string => `${topic}-value`;

/** The catalogue with every topic name prefixed, matching `topicNames(prefix)`. */
export function prefixedCatalogue(catalogue: TopicSpec[], prefix: string): TopicSpec[] {
  return catalogue.map((t) => ({ ...t, name: `${prefix}${t.name}` }));
}
