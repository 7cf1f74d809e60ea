// @agentwall/core/testing: the store contract suite, so a Store of your own can prove it behaves like AgentWall's.
export { storeContract, type TestApi } from '../testing/store-contract.js';
