/**
 * Where the engine's two artefacts come from: the QuickJS wasm (which the L1 meter rewrites)
 * and the emscripten glue. One glue everywhere — the package's browser build — because
 * different glue files make different calls into the wasm (measured: a few hundred fuel apart).
 * Node reads both from node_modules (./node/source.ts); a browser fetches them.
 */
export interface EmscriptenFactory {
  (moduleArg?: Record<string, unknown>): Promise<unknown>;
}

export interface QuickJsSource {
  /** The original (un-metered) QuickJS wasm bytes. */
  wasm(): Promise<Uint8Array>;
  /** The emscripten glue's default export. */
  glue(): Promise<EmscriptenFactory>;
}
