import { DataSourcePlugin } from '@grafana/data';

import { DataSource } from './datasource';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { AlertlensOptions, AlertlensQuery } from './types';

export const plugin = new DataSourcePlugin<DataSource, AlertlensQuery, AlertlensOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
