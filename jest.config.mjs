// One Jest for the monorepo, in native ESM (Nest 12 is ESM-only; see STACK.md).
// Three sizes of tests (immich): unit (pure, next to the code), integration (real Postgres and
// Kafka), e2e (the built services as real processes on the real broker and database).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@postera/(kernel|contracts|iso20022|platform|testing)$': '<rootDir>/libs/shared/$1/src/index.ts',
    '^@postera/devstack$': '<rootDir>/tools/devstack/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  reporters: ['default', ['<rootDir>/scripts/jest-summary-reporter.cjs', {}]],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,services,tools}/**/src/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/{libs,services,tools}/**/test/**/*.int-spec.ts'] },
    { ...common, displayName: 'architecture', testMatch: ['<rootDir>/test/architecture/**/*.spec.ts'] },
    { ...common, displayName: 'deploy', testMatch: ['<rootDir>/test/deploy/**/*.spec.ts'] },
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
