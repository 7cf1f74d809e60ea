// The public surface is narrow and deliberate: the root for apps, subpaths for adapter and store authors.
import * as root from '../src/index.js';
import * as node from '../src/entry/node.js';
import * as store from '../src/entry/store.js';
import * as testing from '../src/entry/testing.js';
import * as express from '../../express/src/index.js';
import * as koa from '../../koa/src/index.js';

describe('public API', () => {
  it('exports what an app needs at the root, and nothing internal', () => {
    expect(Object.keys(root).sort()).toEqual(['AgentWallError', 'CHANNELS', 'DEFAULT_DLP_ACTIONS', 'ERROR_STATUS', 'MemoryStore', 'createAgentWall', 'createDlpScanner', 'isAgentWallError']);
  });

  it('gives adapter authors the Node plumbing on /node', () => {
    expect(Object.keys(node).sort()).toEqual(['bodySourceOf', 'clientWentAway', 'createAgentWall', 'isAgentWallPath', 'toCoreRequest', 'writeCoreResponse']);
  });

  it('gives store authors the contract, its bounds and the loop decision on /store, and the contract suite on /testing', () => {
    expect(Object.keys(store).sort()).toEqual(['DEFAULT_LEASE_MS', 'DEFAULT_LOOP_PARAMS', 'MemoryStore', 'RESPONSE_LIMITS', 'RUN_LIMITS', 'SWEEP_LIMIT', 'detectLoop', 'fingerprintView', 'hammingHex64', 'newAdmitId', 'similarityToDistance', 'utcDay', 'utcMonth']);
    expect(Object.keys(testing)).toEqual(['storeContract']);
  });

  it('has the adapters re-export only the app-facing root of the core, beside their middleware', () => {
    for (const adapter of [express, koa]) expect(Object.keys(adapter).sort()).toEqual([...Object.keys(root), 'agentwall'].sort());
  });
});
