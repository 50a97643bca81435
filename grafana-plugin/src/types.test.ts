import { describe, expect, it } from 'vitest';

import { allMeansEvery, interpolate } from './interpolate';
import { paramsFor, queryTypes } from './types';

describe('query types', () => {
  it('lists every type the Go backend answers, once', () => {
    const values = queryTypes.map((q) => q.value);
    expect(new Set(values).size).toBe(values.length);
    expect([...values].sort()).toEqual([
      'episodes', 'flapping', 'handover', 'inhibitions_failed', 'inhibitions_loops', 'label_names', 'label_values', 'noise',
      'notifications_series', 'receivers', 'silences_stale', 'silences_top', 'sources', 'state_timeline', 'suggestions_group_by',
      'suggestions_inhibit_rules',
      'timeline', 'weekly_review',
    ]);
  });

  it('asks for the parameters each type takes', () => {
    expect(paramsFor('flapping')).toEqual(['flapGap', 'minFlaps']);
    expect(paramsFor('timeline')).toEqual(['fingerprint']);
    expect(paramsFor('episodes')).toEqual([]);
  });
});

describe('interpolate', () => {
  it('replaces variables in text fields only', () => {
    const q = interpolate(
      { refId: 'A', queryType: 'noise', source: '$source', match: '{team="$team"}', minFlaps: 2 },
      (v) => v.replace('$source', 'prod').replace('$team', 'db')
    );
    expect(q).toEqual({ refId: 'A', queryType: 'noise', source: 'prod', match: '{team="db"}', minFlaps: 2 });
  });

  it('leaves empty fields alone', () => {
    const q = interpolate({ refId: 'A', source: '' }, () => 'x');
    expect(q.source).toBe('');
  });
});

describe('allMeansEvery', () => {
  it('keeps one value and turns "All" into empty (every one)', () => {
    expect(allMeansEvery('prod')).toBe('prod');
    expect(allMeansEvery(['prod'])).toBe('prod');
    expect(allMeansEvery(['eu', 'prod'])).toBe('');
  });
});
