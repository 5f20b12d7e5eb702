/**
 * Where a pool thread starts. Built code runs `dist/<distName>.js` (tsup puts every entry in
 * dist/). When the sources run directly under tsx (tests, `npm run bench`), a thread does not
 * inherit tsx's loader, so it starts from a small bootstrap that registers tsx and then imports
 * the .ts entry.
 *
 * @param callerUrl `import.meta.url` of the module naming the entry
 * @param srcPath the entry relative to the caller, without extension
 */
export function workerEntry(callerUrl: string, srcPath: string, distName: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(`./${distName}.js`, callerUrl);
  const target = new URL(`${srcPath}.ts`, callerUrl).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(target)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
