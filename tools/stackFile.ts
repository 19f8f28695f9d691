// Reads a Pulumi stack file the way the engine would pass it to the program, for offline runs.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { CORE_SCHEMA, load } from "js-yaml";
import { configKeyPath, parseConfigMap, secretPathsPredicate, type StackConfig } from "../model/config";

export interface StackFile {
  project: string;
  stack: string;
  path: string;
  /** `namespace:key` -> value as the engine passes it: strings, structured values as JSON. */
  config: Record<string, string>;
  /** Keys holding a `secure:` value anywhere inside. */
  secretKeys: string[];
  /** Where each `secure:` value is, as `namespace:key[0].field` (`configKeyPath`). */
  secretPaths: string[];
  /** Stand-ins used for `secure:` values, which only the Pulumi backend can decrypt. */
  secretPlaceholders: string[];
}

export class StackFileError extends Error {
  override name = "StackFileError";
}

const projectRoot = resolve(__dirname, "..");

// YAML 1.2's core schema, as Pulumi reads stack files (no timestamps, no YAML 1.1 booleans); js-yaml parses a large
// stack file about ten times faster than the yaml package.
const parse = (text: string): unknown => load(text, { schema: CORE_SCHEMA });

/** The stand-in for an encrypted value: valid as an ExternalId, stable per ciphertext. */
function placeholderFor(ciphertext: string): string {
  return `synth-secret-${createHash("sha256").update(ciphertext).digest("hex").slice(0, 16)}`;
}

export function loadStackFile(options: { stack?: string; configFile?: string }): StackFile {
  const path = options.configFile ? resolve(options.configFile) : join(projectRoot, `Pulumi.${options.stack}.yaml`);
  if (!existsSync(path)) throw new StackFileError(`stack file not found: ${path}`);
  const projectFile = join(projectRoot, "Pulumi.yaml");
  const project = String((parse(readFileSync(projectFile, "utf8")) as { name?: string })?.name ?? "vendor-access");
  const stack =
    options.stack ??
    basename(path)
      .replace(/^Pulumi\./, "")
      .replace(/\.ya?ml$/, "");
  let document: unknown;
  try {
    document = parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new StackFileError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  const raw = ((document as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const secretPlaceholders: string[] = [];
  const secretPaths: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const fullKey = key.includes(":") ? key : `${project}:${key}`;
    let secret = false;
    const decrypt = (v: unknown, path: (string | number)[] = []): unknown => {
      if (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && "secure" in v) {
        secret = true;
        secretPaths.push(configKeyPath(fullKey, path));
        const placeholder = placeholderFor(String((v as { secure: unknown }).secure));
        secretPlaceholders.push(placeholder);
        return placeholder;
      }
      if (Array.isArray(v)) return v.map((item, index) => decrypt(item, [...path, index]));
      if (v && typeof v === "object")
        return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, decrypt(item, [...path, k])]));
      return v;
    };
    const plain = decrypt(value);
    config[fullKey] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secret) secretKeys.push(fullKey);
  }
  return { project, stack, path, config, secretKeys, secretPaths, secretPlaceholders };
}

/** The stack file's config, validated as the engine would, with the exact place of each `secure:` value known. */
export function stackConfigOf(stackFile: StackFile): StackConfig {
  return parseConfigMap(stackFile.config, secretPathsPredicate(stackFile.secretPaths));
}
