import React, { ChangeEvent } from 'react';
import { InlineField, Input, SecretInput } from '@grafana/ui';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';

import { AlertlensOptions, AlertlensSecureOptions } from '../types';

type Props = DataSourcePluginOptionsEditorProps<AlertlensOptions, AlertlensSecureOptions>;

/** The alertlens URL and an optional API token (kept in secure JSON). */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { secureJsonFields, secureJsonData } = options;
  return (
    <>
      <InlineField label="alertlens URL" labelWidth={16} tooltip="e.g. http://alertlens:9095">
        <Input
          width={40}
          value={options.url}
          placeholder="http://alertlens:9095"
          onChange={(e: ChangeEvent<HTMLInputElement>) => onOptionsChange({ ...options, url: e.target.value })}
        />
      </InlineField>
      <InlineField label="API token" labelWidth={16} tooltip="api.auth.bearer_token of alertlens, if set">
        <SecretInput
          width={40}
          isConfigured={!!secureJsonFields?.token}
          value={secureJsonData?.token ?? ''}
          placeholder="optional bearer token"
          onReset={() =>
            onOptionsChange({
              ...options,
              secureJsonFields: { ...secureJsonFields, token: false },
              secureJsonData: { ...secureJsonData, token: '' },
            })
          }
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, token: e.target.value } })
          }
        />
      </InlineField>
    </>
  );
}
