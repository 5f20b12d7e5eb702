/**
 * Where the bundle's siblings (outlayer.worker.js, quickjs.wasm) live: the directory of the
 * `<script>` that loaded outlayer.iife.js, captured while it runs (document.currentScript is
 * only set during a script's first evaluation), or what `OutLayer.configure({ baseUrl })` says.
 */
let base: string | null = captureScriptBase();

function captureScriptBase(): string | null {
  const doc = (globalThis as { document?: { currentScript?: { src?: string } | null; baseURI?: string } }).document;
  const src = doc?.currentScript?.src;
  if (src) return new URL('.', src).href;
  return doc?.baseURI ? new URL('.', doc.baseURI).href : null;
}

export function setBaseUrl(url: string | URL): void {
  const text = String(url);
  base = new URL(text.endsWith('/') ? text : `${text}/`, (globalThis as { location?: { href: string } }).location?.href).href;
}

/** The absolute URL of a file next to the bundle. */
export function assetUrl(name: string): string {
  if (!base) throw new Error('OutLayer cannot tell where its files are: call OutLayer.configure({ baseUrl })');
  return new URL(name, base).href;
}
