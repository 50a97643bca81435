// Bundles the frontend into dist/module.js as an AMD module, the format
// Grafana loads plugins in, with Grafana's own packages left external.
import esbuild from 'rollup-plugin-esbuild';

export default {
  input: 'src/module.ts',
  output: { file: 'dist/module.js', format: 'amd', sourcemap: true },
  external: ['react', 'react-dom', '@grafana/data', '@grafana/ui', '@grafana/runtime', '@grafana/schema', '@emotion/css'],
  plugins: [esbuild({ target: 'es2020', jsx: 'transform', loaders: { '.ts': 'ts', '.tsx': 'tsx' } })],
};
