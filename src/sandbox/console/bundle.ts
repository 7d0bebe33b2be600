/**
 * The console page's script. Its source is TypeScript under ./browser (type-checked with the DOM
 * library by tsconfig.browser.json); esbuild bundles it in memory when the console starts (60–90 ms
 * on the shared 2-vCPU machine). `npm run build` bundles it ahead of time and inlines it into dist/main.js as
 * `__SDB_CONSOLE_JS__`, so the production image needs neither esbuild nor the sources.
 */
import { fileURLToPath } from 'node:url';

declare const __SDB_CONSOLE_JS__: string | undefined;

/** esbuild options; scripts/build.mjs uses the same ones, so both paths produce the same script. */
export const BROWSER_BUILD = {
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  charset: 'utf8',
  legalComments: 'none',
  logLevel: 'silent',
} as const;

let cached: Promise<string> | undefined;

async function bundle(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    ...BROWSER_BUILD,
    entryPoints: [fileURLToPath(new URL('./browser/main.ts', import.meta.url))],
    sourcemap: 'inline',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no console script');
  return file.text;
}

/** The bundled script: prebuilt when running from dist/, else built once per process. */
export function consoleScript(): Promise<string> {
  if (typeof __SDB_CONSOLE_JS__ === 'string') return Promise.resolve(__SDB_CONSOLE_JS__);
  cached ??= bundle();
  return cached;
}
