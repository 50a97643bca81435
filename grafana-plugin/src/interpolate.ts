import { AlertlensQuery, templatedFields } from './types';

/**
 * Fields a multi-select variable may fill with several values: sent to the
 * backend as lists, which alertlens reads as "any of them".
 */
export const listFields: Array<keyof AlertlensQuery> = ['source', 'receiver'];

/**
 * Replaces template variables in the query's text fields; the list fields
 * become lists of values (an empty list: every one). The result goes to
 * the backend only, so its list fields are typed loosely.
 */
export function interpolate(
  query: AlertlensQuery,
  replace: (v: string) => string,
  replaceList: (v: string) => string[] = (v) => [replace(v)].filter((s) => s !== '')
): AlertlensQuery {
  const out: Record<string, unknown> = { ...query };
  for (const f of templatedFields) {
    const v = out[f];
    if (typeof v === 'string' && v !== '') {
      out[f] = listFields.includes(f) ? replaceList(v) : replace(v);
    }
  }
  return out as unknown as AlertlensQuery;
}

/**
 * Formats a variable's value for a field that takes one: one value as it
 * is; "All" or several values as empty, which alertlens reads as "every
 * one".
 */
export function allMeansEvery(value: string | string[]): string {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : '') : value;
}

/** What Grafana's template service hands a custom format function. */
export type Formatter = (value: string | string[], variable?: unknown) => string;

/**
 * The values a list field's text stands for. Grafana's replace is given a
 * format function that notes each variable's values and leaves a marker;
 * text that is one variable becomes its values exactly (no separator to
 * split on, so a receiver may contain any character); "All" becomes the
 * empty list. A variable inside other text stands for its values joined
 * with commas, as one value.
 */
export function listOf(text: string, replace: (text: string, format: Formatter) => string): string[] {
  const picked: string[][] = [];
  const out = replace(text, (value, variable) => {
    picked.push(isAll(variable) ? [] : Array.isArray(value) ? value : [value]);
    return `\u0000${picked.length - 1}\u0000`;
  });
  const whole = /^\u0000(\d+)\u0000$/.exec(out);
  if (whole) {
    return picked[Number(whole[1])].filter((s) => s !== '');
  }
  const one = out.replace(/\u0000(\d+)\u0000/g, (_, i: string) => picked[Number(i)].join(','));
  return one === '' ? [] : [one];
}

/** Whether a variable's current choice is "All". */
function isAll(variable: unknown): boolean {
  const current = (variable as { current?: { value?: unknown } } | undefined)?.current?.value;
  return current === '$__all' || (Array.isArray(current) && current.includes('$__all'));
}
