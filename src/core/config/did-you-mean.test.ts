import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance } from './did-you-mean.js';

describe('didYouMean', () => {
  it('measures transpositions as one edit', () => {
    expect(editDistance('upsret', 'upsert')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('finds camelCase and typo spellings, and nothing for unrelated words', () => {
    expect(didYouMean('batchSize', ['batch_size', 'path', 'mode'])).toBe('batch_size');
    expect(didYouMean('cvs', ['csv', 'postgres', 'sqlite'])).toBe('csv');
    expect(didYouMean('delimeter', ['delimiter', 'header'])).toBe('delimiter');
    expect(didYouMean('zebra', ['csv', 'postgres'])).toBeUndefined();
    expect(didYouMean('x', [])).toBeUndefined();
  });
});
