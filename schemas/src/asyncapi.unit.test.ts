import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { loadTopicCatalogue } from '@clearway/infra';

const documentPath = join(import.meta.dirname, '..', 'asyncapi.yaml');

describe('AsyncAPI contract', () => {
  it('validates as AsyncAPI 3 with its Avro payloads, without errors', async () => {
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document, diagnostics } = await parser.parse(readFileSync(documentPath, 'utf8'));
    const errors = diagnostics.filter((d) => Number(d.severity) === 0);
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
  });

  it('lists every catalogue topic with its key, schema, producers and consumers', async () => {
    const parser = new Parser();
    parser.registerSchemaParser(AvroSchemaParser());
    const { document } = await parser.parse(readFileSync(documentPath, 'utf8'));
    const catalogue = loadTopicCatalogue();
    const addresses = document!
      .channels()
      .all()
      .map((c) => c.address());
    expect(addresses.sort()).toEqual(catalogue.map((t) => t.name).sort());
    for (const topic of catalogue) {
      const channel = document!
        .channels()
        .all()
        .find((c) => c.address() === topic.name)!;
      expect(
        channel
          .messages()
          .all()
          .map((m) => m.name()),
      ).toEqual([topic.event]);
      expect(channel.description()).toContain(`Key: ${topic.key}`);
      const ops = channel.operations().all();
      expect(ops.filter((o) => o.action() === 'send')).toHaveLength(topic.producers.length);
      expect(ops.filter((o) => o.action() === 'receive')).toHaveLength(topic.consumers.length);
    }
  });
});
