import { DataSourceInstanceSettings, CoreApp, DataSourceVariableSupport, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { allMeansEvery, interpolate, listOf } from './interpolate';
import { AlertlensOptions, AlertlensQuery, defaultQuery } from './types';

/** Queries go to the Go backend, which asks alertlens's API. */
export class DataSource extends DataSourceWithBackend<AlertlensQuery, AlertlensOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<AlertlensOptions>) {
    super(instanceSettings);
    // Dashboard variables query alertlens like panels do (sources,
    // receivers, label values), with this plugin's query editor.
    this.variables = new AlertlensVariables();
  }

  getDefaultQuery(_: CoreApp): Partial<AlertlensQuery> {
    return defaultQuery;
  }

  applyTemplateVariables(query: AlertlensQuery, scopedVars: ScopedVars): AlertlensQuery {
    const srv = getTemplateSrv();
    return interpolate(
      query,
      (v) => srv.replace(v, scopedVars, allMeansEvery),
      (v) => listOf(v, (text, format) => srv.replace(text, scopedVars, format))
    );
  }

  filterQuery(query: AlertlensQuery): boolean {
    return !!query.queryType;
  }
}

class AlertlensVariables extends DataSourceVariableSupport<DataSource> {}
