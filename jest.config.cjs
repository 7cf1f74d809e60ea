// One jest run for the whole workspace: TypeScript compiled by swc, workspace packages read from source.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@pydantic/genai-prices)/)'],
  moduleNameMapper: {
    '^@agentwall/(core|express|koa|redis)$': '<rootDir>/packages/$1/src/index.ts',
    '^@agentwall/core/(node|store|testing)$': '<rootDir>/packages/core/src/entry/$1.ts',
    '^@agentwall/mock-llm$': '<rootDir>/examples/mock-llm/src/index.ts',
    '^@agentwall/example-support$': '<rootDir>/examples/support/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testTimeout: 20000,
};
