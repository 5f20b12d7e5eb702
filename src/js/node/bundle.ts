/**
 * Bundles a multi-file JS contract into the single ES module the engine evaluates (esbuild).
 * Bare imports (npm packages) are bundled too; Node built-ins cannot be, so importing one is a
 * clear error rather than a module that fails inside the realm.
 */
import { build } from 'esbuild';

export class BundleError extends Error {
  override name = 'BundleError';
}

export async function bundleContract(entryFile: string, options: { minify?: boolean } = {}): Promise<string> {
  try {
    const result = await build({
      entryPoints: [entryFile],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2020',
      write: false,
      logLevel: 'silent',
      mainFields: ['module', 'main'],
      minify: options.minify ?? false,
    });
    return result.outputFiles[0]!.text;
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    const first = errors?.[0];
    if (first) throw new BundleError(`${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}`);
    throw new BundleError((e as Error).message);
  }
}
