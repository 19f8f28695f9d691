// Serializes a dynamic provider the way `pulumi.dynamic.Resource` does and loads it back the way the engine's
// dynamic provider host does (a CommonJS module whose `handler()` returns the provider), so tests run that copy.
import Module from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export interface SerializedProvider<P> {
  text: string;
  provider: P;
}

export async function serializeAndLoad<P extends object>(provider: P): Promise<SerializedProvider<P>> {
  // Same call as @pulumi/pulumi/dynamic's serializeFunctionMaybeSecret.
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const filename = path.join(process.cwd(), "__serialized_dynamic_provider__.js");
  const loaded = new Module(filename) as Module & { _compile(code: string, filename: string): void; paths: string[] };
  loaded.filename = filename;
  loaded.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(process.cwd());
  loaded._compile(serialized.text, filename);
  return { text: serialized.text, provider: (loaded.exports as { handler(): P }).handler() };
}
