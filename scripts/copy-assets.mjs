/**
 * After `tsc`: copies what the dashboard page inlines at run time next to its compiled module,
 * so that the published package has it without the uplot dev dependency: uPlot's script,
 * stylesheet and licence into dist/gateway/dashboard/page/vendor/, and the page's own
 * stylesheet and browser scripts into dist/gateway/dashboard/page/.
 */
import { copyFile, cp, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const source = join(root, 'gateway/dashboard/page');
const target = join(root, 'dist/gateway/dashboard/page');
const uplot = dirname(createRequire(import.meta.url).resolve('uplot/package.json'));

await mkdir(join(target, 'vendor'), { recursive: true });
await Promise.all([
  copyFile(join(uplot, 'dist/uPlot.iife.min.js'), join(target, 'vendor/uPlot.iife.min.js')),
  copyFile(join(uplot, 'dist/uPlot.min.css'), join(target, 'vendor/uPlot.min.css')),
  copyFile(join(uplot, 'LICENSE'), join(target, 'vendor/uPlot.LICENSE')),
  copyFile(join(source, 'styles.css'), join(target, 'styles.css')),
  cp(join(source, 'client'), join(target, 'client'), { recursive: true }),
]);
console.log(`copy-assets: the dashboard page's assets are in ${target}`);
