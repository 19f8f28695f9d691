// One side of an access diff: a stack file rendered as synth renders it, a render.json written by
// `synth --json`, or a stack file read from a git ref. Secret ExternalIds are reduced to in-memory fingerprints.
import { execFileSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { parseConfigMap } from "../../model/config";
import { renderStack, type Render, type RenderedIntegration } from "../render";
import { loadStackFile, type StackFile } from "../stackFile";

export interface AccessSide {
  /** What was read, for the report: a path, `ref:path`, or a note that the file is absent at the ref. */
  source: string;
  render: Render;
  /**
   * Per integration: a fingerprint of its ExternalId, comparable only within this process (HMAC under a key
   * drawn per run and never written), or undefined where the side cannot tell (a render.json holds "[secret]").
   */
  externalIds: ReadonlyMap<string, string | undefined>;
  /** Per integration: true where the ExternalId is a `secure:` ciphertext stand-in, so a change may be a re-encryption. */
  encryptedExternalIds: ReadonlySet<string>;
}

/** The input cannot be read as a side: a missing file, a render.json of the wrong shape, a bad git ref. */
export class AccessDiffInputError extends Error {
  override name = "AccessDiffInputError";
}

const fingerprintKey = randomBytes(32);

function fingerprint(value: string): string {
  return createHmac("sha256", fingerprintKey).update(value).digest("hex");
}

/** A generated ExternalId keeps its value until its RandomPassword is replaced: a new name or new inputs. */
function generatedFingerprint(render: Render, integration: RenderedIntegration): string | undefined {
  const password = render.resources.find(
    (r) => r.type === "random:index/randomPassword:RandomPassword" && r.parent === integration.name,
  );
  return password
    ? fingerprint(`generated\0${render.project}\0${render.stack}\0${password.name}\0${JSON.stringify(password.props)}`)
    : undefined;
}

function renderedFingerprints(render: Render): Map<string, string | undefined> {
  return new Map(render.integrations.map((i) => [i.name, generatedFingerprint(render, i)]));
}

/**
 * A side's ExternalId fingerprints with the stack file's configured values added: what a render.json hides
 * ("[secret]") the stack file it was rendered from still holds.
 */
export function withStackFileExternalIds(side: AccessSide, stackFile: StackFile): AccessSide {
  const externalIds = new Map(side.externalIds);
  const encrypted = new Set(side.encryptedExternalIds);
  for (const integration of parseConfigMap(stackFile.config).integrations) {
    if (integration.externalId.kind !== "value") continue;
    externalIds.set(integration.name, fingerprint(`value\0${integration.externalId.value}`));
    if (stackFile.secretPlaceholders.includes(integration.externalId.value)) encrypted.add(integration.name);
  }
  return { ...side, externalIds, encryptedExternalIds: encrypted };
}

export async function stackFileSide(stackFile: StackFile, source: string): Promise<AccessSide> {
  // The render synth makes: from the plan, the same resources the program registers.
  const render = await renderStack(stackFile);
  const side = { source, render, externalIds: renderedFingerprints(render), encryptedExternalIds: new Set<string>() };
  return withStackFileExternalIds(side, stackFile);
}

function renderJsonSide(path: string): AccessSide {
  let render: Render;
  try {
    render = JSON.parse(readFileSync(path, "utf8")) as Render;
  } catch (error) {
    throw new AccessDiffInputError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const missing = ["integrations", "buckets", "resources"].filter(
    (key) => !Array.isArray((render as unknown as Record<string, unknown>)?.[key]),
  );
  if (missing.length > 0 || typeof render.accountId !== "string")
    throw new AccessDiffInputError(
      `${path} is not a render written by \`npm run synth -- --json\` (missing ${[...missing, ...(typeof render?.accountId === "string" ? [] : ["accountId"])].join(", ")})`,
    );
  return { source: path, render, externalIds: renderedFingerprints(render), encryptedExternalIds: new Set() };
}

/** Read a stack file or a render.json from disk. */
export async function loadSide(path: string): Promise<AccessSide> {
  if (!existsSync(path)) throw new AccessDiffInputError(`not found: ${path}`);
  if (path.endsWith(".json")) return renderJsonSide(path);
  return stackFileSide(loadStackFile({ configFile: path }), path);
}

/** A side with nothing on it: the stack file does not exist at the base ref (a new stack). */
export function emptySide(like: Render, source: string): AccessSide {
  const render: Render = { ...like, integrations: [], buckets: [], resources: [], violations: [] };
  return { source, render, externalIds: new Map(), encryptedExternalIds: new Set() };
}

function git(args: string[], cwd: string): { ok: true; out: string } | { ok: false; error: string } {
  try {
    return { ok: true, out: execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (error) {
    return { ok: false, error: String((error as { stderr?: string }).stderr ?? (error as Error).message).trim() };
  }
}

/**
 * The stack file at `path` as it is at git `ref` (`git show ref:path`), read from a temporary copy that keeps
 * the file's name (so the stack name is the same); `{ absentAt: "ref:path" }` when the ref exists but the file
 * does not (a stack added by the change).
 */
export function stackFileAtRef(
  ref: string,
  path: string,
): { stackFile: StackFile; source: string } | { absentAt: string } {
  const absolute = resolve(path);
  const cwd = dirname(absolute);
  const top = git(["rev-parse", "--show-toplevel"], cwd);
  if (!top.ok) throw new AccessDiffInputError(`--base-ref: ${path} is not inside a git repository: ${top.error}`);
  const verified = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], cwd);
  if (!verified.ok) throw new AccessDiffInputError(`--base-ref: ${ref} is not a commit in this repository`);
  const inRepo = relative(top.out.trim(), absolute).split("\\").join("/");
  const shown = git(["show", `${ref}:${inRepo}`], cwd);
  if (!shown.ok) return { absentAt: `${ref}:${inRepo}` };
  const dir = mkdtempSync(join(tmpdir(), "access-diff-"));
  try {
    const copy = join(dir, basename(absolute));
    writeFileSync(copy, shown.out);
    return { stackFile: loadStackFile({ configFile: copy }), source: `${ref}:${inRepo}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
