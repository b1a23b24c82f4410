/**
 * The layers of emulator/, bottom up (docs/architecture.md). A module may import its own layer and
 * the layers below it, never one above; tests may import anything. `npm run lint` runs this.
 */
const layers = [
  'generated',
  'core',
  'domain',
  'state',
  'delivery',
  'config',
  'http',
  'client',
  'fakes',
  'contract',
  'flows',
  'api',
  'scenarios',
  'testcontainers',
  'cli',
];
const folder = (name) => `^emulator/${name}/`;
const notTest = '\\.test\\.ts$';

const layerRules = layers.map((layer, index) => ({
  name: `layer-${layer}`,
  comment: `${layer}/ may import only ${layers.slice(0, index).join(', ') || 'nothing of ours'} and itself`,
  severity: 'error',
  from: { path: folder(layer), pathNot: notTest },
  to: {
    path: `^emulator/(${[...layers.slice(index + 1).map((name) => `${name}/`), 'index\\.ts$'].join('|')})`,
  },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'An import cycle ties modules together so none can change alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-helpers-in-product-code',
      comment: 'emulator/testing/ serves the tests; the package must not ship code that needs it.',
      severity: 'error',
      from: { path: '^emulator/', pathNot: [notTest, '^emulator/testing/'] },
      to: { path: '^emulator/testing/' },
    },
    {
      name: 'no-tests-in-product-code',
      severity: 'error',
      from: { pathNot: notTest },
      to: { path: notTest },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
};
