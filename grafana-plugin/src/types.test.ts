import { describe, expect, it } from 'vitest';

import { Formatter, allMeansEvery, interpolate, listOf } from './interpolate';
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
    // source is a list field: its one value comes as a list of one.
    expect(q).toEqual({ refId: 'A', queryType: 'noise', source: ['prod'], match: '{team="db"}', minFlaps: 2 });
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

// A stand-in for Grafana's template service: $source is a multi-select
// variable whose current choice is given; replace calls the format
// function with the value and the variable, as Grafana's does.
function grafana(current: string | string[], options: string[]) {
  const all = current === '$__all' || (Array.isArray(current) && current.includes('$__all'));
  const value = all ? options : current;
  return (text: string, format: Formatter) =>
    text.replace('$source', () => format(value, { name: 'source', current: { value: current } }));
}

describe('listOf', () => {
  const options = ['eu', 'prod', 'us,west'];
  it('gives a multi-select variable its values, exactly', () => {
    expect(listOf('$source', grafana(['eu', 'us,west'], options))).toEqual(['eu', 'us,west']);
    expect(listOf('$source', grafana('prod', options))).toEqual(['prod']);
  });
  it('turns "All" into the empty list (every one), not the options seen', () => {
    expect(listOf('$source', grafana('$__all', options))).toEqual([]);
    expect(listOf('$source', grafana(['$__all'], options))).toEqual([]);
  });
  it('reads literal text and text around a variable as one value', () => {
    expect(listOf('prod', grafana('eu', options))).toEqual(['prod']);
    expect(listOf('x-$source', grafana(['eu', 'prod'], options))).toEqual(['x-eu,prod']);
    expect(listOf('', grafana('eu', options))).toEqual([]);
  });
});
