import { DataQuery, DataSourceJsonData } from '@grafana/data';

/** Query types the Go backend answers (pkg/plugin/frames.go). */
export const queryTypes = [
  { value: 'episodes', label: 'Alert episodes' },
  { value: 'state_timeline', label: 'State timeline' },
  { value: 'notifications_series', label: 'Notifications over time' },
  { value: 'timeline', label: 'One alert\u2019s timeline' },
  { value: 'flapping', label: 'Flapping alerts' },
  { value: 'inhibitions_failed', label: 'Failed inhibitions' },
  { value: 'inhibitions_loops', label: 'Inhibition loops' },
  { value: 'silences_stale', label: 'Stale silences' },
  { value: 'noise', label: 'Noise' },
  { value: 'handover', label: 'Handover' },
  { value: 'weekly_review', label: 'Weekly review' },
] as const;

export type QueryType = (typeof queryTypes)[number]['value'];

export interface AlertlensQuery extends DataQuery {
  queryType?: QueryType;
  source?: string;
  receiver?: string;
  match?: string;
  by?: string;
  flapGap?: string;
  minFlaps?: number;
  fingerprint?: string;
  week?: string;
  step?: string;
}

export const defaultQuery: Partial<AlertlensQuery> = { queryType: 'episodes' };

/** Options saved with the datasource: the URL is Grafana's own field. */
export interface AlertlensOptions extends DataSourceJsonData {}

/** Kept encrypted by Grafana, sent only to the backend. */
export interface AlertlensSecureOptions {
  token?: string;
}

/** Which extra parameters a query type takes, for the query editor. */
export function paramsFor(t: QueryType | undefined): Array<keyof AlertlensQuery> {
  switch (t) {
    case 'flapping':
      return ['flapGap', 'minFlaps'];
    case 'noise':
      return ['by'];
    case 'notifications_series':
      return ['by', 'step'];
    case 'timeline':
      return ['fingerprint'];
    case 'weekly_review':
      return ['week'];
    default:
      return [];
  }
}

/** Grafana template variables a query's text fields may hold. */
export const templatedFields: Array<keyof AlertlensQuery> = ['source', 'receiver', 'match', 'by', 'fingerprint', 'week'];
