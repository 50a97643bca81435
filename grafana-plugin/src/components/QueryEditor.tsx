import React, { ChangeEvent } from 'react';
import { InlineField, InlineFieldRow, Input, Select } from '@grafana/ui';
import { QueryEditorProps, SelectableValue } from '@grafana/data';

import { DataSource } from '../datasource';
import { AlertlensOptions, AlertlensQuery, QueryType, paramsFor, queryTypes } from '../types';

type Props = QueryEditorProps<DataSource, AlertlensQuery, AlertlensOptions>;

const labels: Partial<Record<keyof AlertlensQuery, string>> = {
  flapGap: 'Flap gap',
  minFlaps: 'Min flaps',
  by: 'By label',
  step: 'Step',
  fingerprint: 'Fingerprint',
  week: 'ISO week',
};

/** Query type, the common filters, and the parameters of that type. */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const set = (f: keyof AlertlensQuery) => (e: ChangeEvent<HTMLInputElement>) => {
    const v = f === 'minFlaps' ? Number(e.target.value) || undefined : e.target.value;
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
        {paramsFor(query.queryType).map((f) => (
          <InlineField key={f} label={labels[f] ?? f} labelWidth={12}>
            <Input width={16} value={String(query[f] ?? '')} onChange={set(f)} onBlur={onRunQuery} />
          </InlineField>
        ))}
      </InlineFieldRow>
    </>
  );
}
