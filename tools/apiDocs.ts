// `npm run api-docs`: writes docs/api.md, the reference of every export of api.ts (the package's public API): its
// kind, its signature as the compiler prints it, and its doc comment. Read with the TypeScript compiler API, so
// the reference says what the declarations say; a unit test fails when docs/api.md is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { ExitCode, runCommand, runMain, type Command, type CommandIo } from "./cli";

const projectRoot = resolve(__dirname, "..");
export const apiDocsFile = "docs/api.md";

type Kind = "function" | "class" | "constant" | "interface" | "type";
const kindOrder: Kind[] = ["function", "class", "constant", "interface", "type"];
const kindTitles: Record<Kind, string> = {
  function: "Functions",
  class: "Classes",
  constant: "Constants",
  interface: "Interfaces",
  type: "Types",
};

export interface ApiEntry {
  name: string;
  kind: Kind;
  signature: string;
  doc: string;
  /** Interface properties and class members: name, signature, doc. */
  members: { name: string; signature: string; doc: string }[];
}

const printFlags = ts.TypeFormatFlags.NoTruncation;

/** A symbol's doc comment with its tags (`@deprecated`, `@param`...), as one Markdown paragraph. */
function docOf(symbol: ts.Symbol, checker: ts.TypeChecker): string {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const tags = symbol
    .getJsDocTags(checker)
    .map((tag) => `*@${tag.name}*${tag.text ? ` ${ts.displayPartsToString(tag.text)}` : ""}`);
  return [text, ...tags].filter(Boolean).join("\n\n");
}

/** Declaration text without its doc comment and body: what a reader of the .d.ts sees. */
function declarationText(node: ts.Node): string {
  const printer = ts.createPrinter({ removeComments: true });
  return printer.printNode(ts.EmitHint.Unspecified, node, node.getSourceFile()).trim();
}

/** An interface's properties, inherited ones included; a class's own public members (not its base class's). */
function membersOf(symbol: ts.Symbol, checker: ts.TypeChecker, decl: ts.Declaration): ApiEntry["members"] {
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  const own = (d: ts.Declaration) => !ts.isClassDeclaration(decl) || d.parent === decl;
  return checker
    .getPropertiesOfType(type)
    .filter((member) => member.declarations?.some((d) => own(d) && !isPrivate(d)))
    .map((member) => {
      const memberDecl = member.declarations![0];
      const optional = member.flags & ts.SymbolFlags.Optional ? "?" : "";
      const readonly = ts.getCombinedModifierFlags(memberDecl) & ts.ModifierFlags.Readonly ? "readonly " : "";
      const memberType = checker.typeToString(checker.getTypeOfSymbolAtLocation(member, decl), decl, printFlags);
      return {
        name: member.name,
        signature: `${readonly}${member.name}${optional}: ${memberType}`,
        doc: docOf(member, checker),
      };
    });
}

function isPrivate(decl: ts.Declaration): boolean {
  const flags = ts.getCombinedModifierFlags(decl);
  return (
    (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 ||
    (decl as ts.NamedDeclaration).name?.kind === ts.SyntaxKind.PrivateIdentifier
  );
}

function entryOf(name: string, symbol: ts.Symbol, checker: ts.TypeChecker): ApiEntry {
  const decl = symbol.declarations![0];
  const doc = docOf(symbol, checker);
  if (ts.isFunctionDeclaration(decl)) {
    const signatures = checker.getSignaturesOfType(
      checker.getTypeOfSymbolAtLocation(symbol, decl),
      ts.SignatureKind.Call,
    );
    const signature = signatures
      .map((s) => `function ${name}${checker.signatureToString(s, decl, printFlags)}`)
      .join("\n");
    return { name, kind: "function", signature, doc, members: [] };
  }
  if (ts.isClassDeclaration(decl)) {
    const constructors = checker.getSignaturesOfType(
      checker.getTypeOfSymbolAtLocation(symbol, decl),
      ts.SignatureKind.Construct,
    );
    const heritage = decl.heritageClauses?.map((clause) => ` ${clause.getText()}`).join("") ?? "";
    const signature = [
      `class ${name}${heritage}`,
      ...constructors.map(
        (s) => `new ${name}${checker.signatureToString(s, decl, printFlags).replace(/: \w[\w<>, ]*$/, "")}`,
      ),
    ].join("\n");
    return { name, kind: "class", signature, doc, members: membersOf(symbol, checker, decl) };
  }
  if (ts.isInterfaceDeclaration(decl)) {
    const heritage = decl.heritageClauses?.map((clause) => ` ${clause.getText()}`).join("") ?? "";
    const params = decl.typeParameters ? `<${decl.typeParameters.map((p) => p.getText()).join(", ")}>` : "";
    return {
      name,
      kind: "interface",
      signature: `interface ${name}${params}${heritage}`,
      doc,
      members: membersOf(symbol, checker, decl),
    };
  }
  if (ts.isTypeAliasDeclaration(decl))
    return { name, kind: "type", signature: declarationText(decl).replace(/^export /, ""), doc, members: [] };
  const type = checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, decl), decl, printFlags);
  return { name, kind: "constant", signature: `const ${name}: ${type}`, doc, members: [] };
}

/** Every export of api.ts, read with the compiler's view of the sources (the build's options). */
export function apiEntries(root = projectRoot): ApiEntry[] {
  const configPath = join(root, "tsconfig.build.json");
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const entry = join(root, "api.ts");
  const program = ts.createProgram({ rootNames: [entry], options: { ...config.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker
    .getExportsOfModule(moduleSymbol)
    .map((exported) => {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return withRelativeImports(entryOf(exported.name, symbol, checker), root);
    })
    .sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || a.name.localeCompare(b.name));
}

/** The compiler names types of other files by absolute path: relative to the root, the reference is the same in every checkout. */
function withRelativeImports(entry: ApiEntry, root: string): ApiEntry {
  const relative = (text: string) => text.split(`import("${root}/`).join('import("./');
  return {
    ...entry,
    signature: relative(entry.signature),
    members: entry.members.map((member) => ({ ...member, signature: relative(member.signature) })),
  };
}

function entryMarkdown(entry: ApiEntry): string {
  const lines = [`### \`${entry.name}\``, "", `*${entry.kind}*`, "", "```ts", entry.signature, "```"];
  if (entry.doc) lines.push("", entry.doc);
  if (entry.members.length > 0) {
    lines.push("", "| member | doc |", "|---|---|");
    for (const member of entry.members)
      lines.push(
        `| \`${member.signature.replace(/\|/g, "\\|")}\` | ${member.doc.replace(/\|/g, "\\|").replace(/\n+/g, " ")} |`,
      );
  }
  return lines.join("\n");
}

/** The whole reference as Markdown. */
export function renderApiDocs(entries: readonly ApiEntry[] = apiEntries()): string {
  const sections = kindOrder
    .filter((kind) => entries.some((e) => e.kind === kind))
    .map((kind) =>
      [
        `## ${kindTitles[kind]}`,
        "",
        ...entries
          .filter((e) => e.kind === kind)
          .map(entryMarkdown)
          .join("\n\n")
          .split("\n"),
      ].join("\n"),
    );
  return [
    "# API reference",
    "",
    "Every export of the `vendor-access` package (`api.ts`): its kind, its signature as the TypeScript compiler prints",
    "it, and its doc comment. Generated by `npm run api-docs` (tools/apiDocs.ts); do not edit by hand: a unit test fails",
    'when this file is stale. How the pieces fit: the README, "Use it from your own repository" and "Adding a vendor".',
    "",
    ...sections.join("\n\n").split("\n"),
    "",
  ].join("\n");
}

const apiDocsOptions = {
  check: { type: "boolean", description: `exit 1 when ${apiDocsFile} is stale instead of writing it` },
} as const;

export const apiDocsCommand: Command<typeof apiDocsOptions, string | undefined> = {
  name: "api-docs",
  summary: `write ${apiDocsFile}: every export of api.ts with its kind, signature and doc comment`,
  usage: "[--check]",
  options: apiDocsOptions,
  async run(values, io, root = projectRoot) {
    const file = join(root, apiDocsFile);
    const docs = renderApiDocs(apiEntries(root));
    if (values.check) {
      const current = readFileSync(file, "utf8");
      if (current === docs) return ExitCode.ok;
      io.writeError(`${apiDocsFile} is stale: run npm run api-docs\n`);
      return ExitCode.failure;
    }
    writeFileSync(file, docs);
    io.write(`wrote ${apiDocsFile}\n`);
    return ExitCode.ok;
  },
};

/** Write (or check) the reference of `root`; returns the exit code. */
export function runApiDocs(argv: readonly string[], io?: CommandIo, root?: string): Promise<number> {
  return runCommand(apiDocsCommand, argv, io, root);
}

if (require.main === module) runMain(apiDocsCommand);
