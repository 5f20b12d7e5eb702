/**
 * Where a pool thread starts. Built code runs dist/pool-worker.js beside this bundle. When the
 * sources run directly under tsx (tests, `npm run bench`), a thread does not inherit tsx's
 * loader, so it starts from a small bootstrap that registers tsx and then imports the .ts entry.
 */
export function workerEntry(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./pool-worker.js', here);
  const target = new URL('./pool-worker.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(target)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
