// Builds the core with the workspace's shared tsup configuration: the root entry and the subpaths of its exports map.
import { defineConfig } from 'tsup';
import base from '../../tsup.config.base';

export default defineConfig({
  ...(base as object),
  entry: { index: 'src/index.ts', node: 'src/entry/node.ts', store: 'src/entry/store.ts', testing: 'src/entry/testing.ts' },
  // One copy of the code for every entry in CommonJS too (tsup splits ESM only by default).
  splitting: true,
});
