import { judgeAmendment } from './amendments.ts';

describe('judgeAmendment', () => {
  const incoming = (amendment: number, source = 't:0:10') => ({ declarationId: 'D1', amendment, source });

  it('assesses a declaration never seen', () => {
    expect(judgeAmendment(null, incoming(0)).kind).toBe('assess');
  });

  it('assesses a higher amendment, which supersedes', () => {
    expect(judgeAmendment({ amendment: 0, source: 't:0:1' }, incoming(1)).kind).toBe('assess');
  });

  it('does not re-assess an older amendment arriving late', () => {
    const verdict = judgeAmendment({ amendment: 2, source: 't:0:5' }, incoming(1));
    expect(verdict).toEqual({
      kind: 'stale',
      reason: expect.stringContaining('older than amendment 2') as string,
    });
  });

  it('does not re-assess the same amendment sent twice', () => {
    expect(judgeAmendment({ amendment: 1, source: 't:0:5' }, incoming(1, 't:0:9')).kind).toBe('duplicate');
  });

  it('re-assesses its own record when a batch is retried after a failed transaction', () => {
    expect(judgeAmendment({ amendment: 1, source: 't:0:9' }, incoming(1, 't:0:9')).kind).toBe('assess');
  });
});
