import { DataSourceInstanceSettings, CoreApp, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { interpolate } from './interpolate';
import { AlertlensOptions, AlertlensQuery, defaultQuery } from './types';

/** Queries go to the Go backend, which asks alertlens's API. */
export class DataSource extends DataSourceWithBackend<AlertlensQuery, AlertlensOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<AlertlensOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(_: CoreApp): Partial<AlertlensQuery> {
    return defaultQuery;
  }

  applyTemplateVariables(query: AlertlensQuery, scopedVars: ScopedVars): AlertlensQuery {
    return interpolate(query, (v) => getTemplateSrv().replace(v, scopedVars));
  }

  filterQuery(query: AlertlensQuery): boolean {
    return !!query.queryType;
  }
}
