import { AlertlensQuery, templatedFields } from './types';

/** Replaces template variables in the query's text fields. */
export function interpolate(query: AlertlensQuery, replace: (v: string) => string): AlertlensQuery {
  const out: Record<string, unknown> = { ...query };
  for (const f of templatedFields) {
    const v = out[f];
    if (typeof v === 'string' && v !== '') {
      out[f] = replace(v);
    }
  }
  return out as unknown as AlertlensQuery;
}

/**
 * Formats a variable's value for alertlens: one value as it is; "All" (the
 * list of every value, for a variable that is not multi-value) as empty,
 * which alertlens reads as "every source" or "every receiver".
 */
export function allMeansEvery(value: string | string[]): string {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : '') : value;
}
