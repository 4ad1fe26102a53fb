// One build script, three bundles (client, language server, CLI); tsc only type-checks.
import * as esbuild from 'esbuild';

import { readFileSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  // jsonc-parser ships a UMD main that esbuild cannot follow; take its ESM build.
  mainFields: ['module', 'main'],
  define: { __VERSION__: JSON.stringify(version) },
};

const entries = [
  {
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    // The module-evaluation clock that activate() reports (client/src/extension.ts).
    banner: {
      js: 'var __phpRedisSessionsLoadStart = typeof performance === "object" ? performance.now() : undefined;',
    },
    footer: { js: 'var __phpRedisSessionsLoadEnd = typeof performance === "object" ? performance.now() : undefined;' },
  },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
];

// A production build has no source maps: drop the ones an earlier development build left.
if (production) for (const e of entries) rmSync(`${e.outfile}.map`, { force: true });

/** The lines VS Code's `$esbuild-watch` problem matcher waits for (.vscode/tasks.json). */
const watchLog = {
  name: 'watch-log',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((r) => {
      for (const e of r.errors)
        console.error(`✘ [ERROR] ${e.text}\n    ${e.location?.file}:${e.location?.line}:${e.location?.column}:`);
      console.log('[watch] build finished');
    });
  },
};

const contexts = await Promise.all(
  entries.map((e) => esbuild.context({ ...common, ...e, plugins: watch ? [watchLog] : [] })),
);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
