/**
 * The import boundaries of the package, checked by `.ci/run` (dependency-cruiser, parsing
 * TypeScript with swc, type-only imports included):
 * - no cycle through `index.ts`, the composition root that wires the built-in layers in;
 * - the core (`src/`) never imports a layer (`middleware/`);
 * - a layer imports only the public kit (`src/kit/`) and its own folder, never the root;
 * - a facade (`facades/`) imports the public surface (the root, the kit) and its own folder.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle-through-the-root',
      comment: 'index.ts wires middleware into clients: nothing it imports may import it back.',
      severity: 'error',
      from: { path: '^index\\.ts$' },
      to: { circular: true },
    },
    {
      name: 'core-never-imports-a-layer',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(middleware/|index\\.ts$)' },
    },
    {
      name: 'a-facade-uses-the-public-surface',
      comment:
        'shallot/openai and shallot/ai-sdk are written on the public API, as a user could write them.',
      severity: 'error',
      from: { path: '^facades/([^/]+)/' },
      to: { path: '^(src/(?!kit/)|middleware/|gateway/|facades/(?!$1/))' },
    },
    {
      name: 'a-layer-uses-the-kit-only',
      comment: 'A built-in layer is one a user could write: it imports src/kit/ and its own files.',
      severity: 'error',
      from: { path: '^middleware/([^/]+)/' },
      to: { path: '^(index\\.ts$|src/(?!kit/)|middleware/(?!$1/))' },
    },
  ],
  options: {
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
