// Lint and architecture rules. Module boundaries are enforced here, not hoped for:
// a service never imports another service (or a tool), libs never import services or tools,
// and a domain/ folder imports no framework (domain-driven-hexagon).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const services = ['capture', 'settlement', 'accounting', 'reporting', 'notification', 'gateway'];
const tools = ['market-sim', 'devstack', 'cli'];
const units = [...services.map((s) => ({ dir: `services/${s}`, name: s })), ...tools.map((t) => ({ dir: `tools/${t}`, name: t }))];

const frameworkFree = {
  group: ['@nestjs/*', 'typeorm', 'kafkajs', 'pg', '@postera/platform'],
  message: 'The domain folder is plain TypeScript: no framework, no database, no broker.',
};

const boundaryPatterns = (self) => [
  {
    group: units.filter((u) => u.name !== self.name).map((u) => `@postera/${u.name}`),
    message: 'A service never imports another service: meet on Kafka topics and @postera/contracts.',
  },
  { group: ['**/services/**', '**/tools/**', '../../*/src/**'], message: 'No reaching into another project by path.' },
];

// Flat config: the last matching block wins a rule, so the domain block repeats the boundaries.
const boundaryFor = (self) => [
  { files: [`${self.dir}/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns: boundaryPatterns(self) }] } },
  { files: [`${self.dir}/**/domain/**/*.ts`], rules: { 'no-restricted-imports': ['error', { patterns: [...boundaryPatterns(self), frameworkFree] }] } },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'apps/console/src/generated/**', '.local/**', '.nx/**', 'coverage/**', 'deploy/local/*.mjs', 'scripts/*.cjs'] },
  js.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', performance: 'readonly' } },
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...units.flatMap(boundaryFor),
  // A service's own tests may drive the dev stack (processes, the local token issuer, the sample
  // referential); they still never import another service.
  ...services.map((name) => ({
    files: [`services/${name}/test/**/*.ts`],
    ignores: ['**/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: boundaryPatterns({ name }).map((p, i) => (i === 0 ? { ...p, group: p.group.filter((g) => g !== '@postera/devstack') } : p)),
        },
      ],
    },
  })),
  {
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: services.map((s) => `@postera/${s}`).concat(tools.map((t) => `@postera/${t}`)), message: 'Shared libraries never depend on services or tools.' }] },
      ],
    },
  },
  // Tests are outside the build's tsconfigs: linted without type information.
  {
    files: ['**/*.spec.ts', '**/*.spec-helper.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', '**/test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/switch-exhaustiveness-check': 'off' },
  },
);
