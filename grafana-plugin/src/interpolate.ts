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
