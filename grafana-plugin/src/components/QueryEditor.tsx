import React, { ChangeEvent } from 'react';
import { InlineField, InlineFieldRow, Input, Select } from '@grafana/ui';
import { QueryEditorProps, SelectableValue } from '@grafana/data';

import { DataSource } from '../datasource';
import { AlertlensOptions, AlertlensQuery, QueryType, paramSpecs, queryTypes } from '../types';

type Props = QueryEditorProps<DataSource, AlertlensQuery, AlertlensOptions>;

/** Query type, the common filters, and the parameters of that type. */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const set = (f: keyof AlertlensQuery, numeric = false) => (e: ChangeEvent<HTMLInputElement>) => {
    const v = numeric ? Number(e.target.value) || undefined : e.target.value;
    onChange({ ...query, [f]: v });
  };
  return (
    <>
      <InlineFieldRow>
        <InlineField label="Query" labelWidth={12}>
          <Select
            width={30}
            options={queryTypes.map((q) => ({ value: q.value, label: q.label }))}
            value={query.queryType}
            onChange={(v: SelectableValue<QueryType>) => {
              onChange({ ...query, queryType: v.value });
              onRunQuery();
            }}
          />
        </InlineField>
        <InlineField label="Matchers" labelWidth={12} tooltip='Alertmanager matchers, e.g. {severity=~"P1|P2"}'>
          <Input width={40} value={query.match ?? ''} onChange={set('match')} onBlur={onRunQuery} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Source" labelWidth={12}>
          <Input width={20} value={query.source ?? ''} onChange={set('source')} onBlur={onRunQuery} />
        </InlineField>
        <InlineField label="Receiver" labelWidth={12}>
          <Input width={20} value={query.receiver ?? ''} onChange={set('receiver')} onBlur={onRunQuery} />
        </InlineField>
        {paramSpecs(query.queryType).map((p) => {
          const f = p.field as keyof AlertlensQuery;
          return (
            <InlineField key={p.field} label={p.label} labelWidth={12} tooltip={p.help}>
              <Input width={16} value={String(query[f] ?? '')} onChange={set(f, p.numeric)} onBlur={onRunQuery} />
            </InlineField>
          );
        })}
      </InlineFieldRow>
    </>
  );
}
