// Compiles the entry points to plain ESM JavaScript under dist/ (dependencies stay in node_modules).
import { build } from 'esbuild';

// `--bench` adds the bare Bolt app bench:ack compares the bot with; the image builds only the bot.
const entryPoints = {
  main: 'src/main.ts',
  ...(process.argv.includes('--bench') ? { 'bench/bare-server': 'bench/servers/bare-server.ts' } : {}),
};

await build({
  entryPoints,
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
