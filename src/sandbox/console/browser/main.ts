/** The console page's entry point, bundled by esbuild into /assets/console.js (bundle.ts). */
import { startAdmin } from './admin.js';
import { startConsole } from './app.js';

startConsole();
startAdmin();
