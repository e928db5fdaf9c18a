import { loadTopicCatalogue, prefixedCatalogue } from './catalogue.ts';
import { topicNames } from './topic-names.ts';

describe('topic catalogue', () => {
  const catalogue = loadTopicCatalogue();

  it('lists every topic the code refers to, and nothing twice', () => {
    const names = new Set(catalogue.map((t) => t.name));
    for (const name of Object.values(topicNames())) expect(names).toContain(name);
    expect(names.size).toBe(catalogue.length);
  });

  it('gives each service stage a dead-letter topic', () => {
    const dlq = catalogue.filter((t) => t.deadLetter).map((t) => t.name);
    expect(dlq).toEqual(expect.arrayContaining([topicNames().dlqCategoriser, topicNames().dlqDispatcher]));
    for (const t of catalogue.filter((x) => x.deadLetter)) expect(t.event).toBe('DeadLetter');
  });

  it('keeps audit topics forever and compacts state topics', () => {
    expect(catalogue.find((t) => t.name === topicNames().declarations)?.retentionMs).toBe(-1);
    expect(catalogue.find((t) => t.name === topicNames().laneStatus)?.compacted).toBe(true);
  });

  it('prefixes names consistently with topicNames', () => {
    const prefixed = prefixedCatalogue(catalogue, 'it-1.');
    expect(prefixed.map((t) => t.name)).toEqual(expect.arrayContaining(Object.values(topicNames('it-1.'))));
  });
});
