import { DataQuery, DataSourceJsonData } from '@grafana/data';

import { QueryParam, QueryParams, queryTypes } from './analyses.gen';

export { queryTypes };
export type { QueryParam };

export type QueryType = (typeof queryTypes)[number]['value'];

export interface AlertlensQuery extends DataQuery, QueryParams {
  queryType?: QueryType;
  source?: string;
  receiver?: string;
  match?: string;
}

export const defaultQuery: Partial<AlertlensQuery> = { queryType: 'episodes' };

/** Options saved with the datasource: the URL is Grafana's own field. */
export interface AlertlensOptions extends DataSourceJsonData {}

/** Kept encrypted by Grafana, sent only to the backend. */
export interface AlertlensSecureOptions {
  token?: string;
}

/** The parameters a query type takes beyond the common filters, for the query editor. */
export function paramSpecs(t: QueryType | undefined): QueryParam[] {
  return queryTypes.find((q) => q.value === t)?.params ?? [];
}

/** Which extra parameters a query type takes, as query fields. */
export function paramsFor(t: QueryType | undefined): Array<keyof AlertlensQuery> {
  return paramSpecs(t).map((p) => p.field as keyof AlertlensQuery);
}

/** Grafana template variables a query's text fields may hold. */
export const templatedFields: Array<keyof AlertlensQuery> = ['source', 'receiver', 'match', 'by', 'fingerprint', 'week'];
