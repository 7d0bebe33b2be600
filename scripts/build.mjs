// Compiles the entry points to plain ESM JavaScript under dist/ (dependencies stay in node_modules).
import { build } from 'esbuild';

// `--bench` adds the bare Bolt app bench:ack compares the bot with; the image builds only the bot.
const entryPoints = {
  main: 'src/main.ts',
  ...(process.argv.includes('--bench') ? { 'bench/bare-server': 'bench/servers/bare-server.ts' } : {}),
};

// The sandbox console's page script (src/sandbox/console/browser), bundled with the options of
// src/sandbox/console/bundle.ts and inlined into main.js, so dist/ needs neither esbuild nor sources.
const page = await build({
  entryPoints: ['src/sandbox/console/browser/main.ts'],
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'warning',
});

await build({
  entryPoints,
  define: { __SDB_CONSOLE_JS__: JSON.stringify(page.outputFiles[0].text) },
  outdir: 'dist',
  bundle: true,
  packages: 'external',
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  logLevel: 'warning',
});
console.log(`built ${Object.keys(entryPoints).length} entry points into dist/`);
