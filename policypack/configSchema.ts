// Checks a rule's entry of policy-config.json against the JSON schema the rule declares, as the Pulumi CLI does
// before it runs a pack, so that offline validation refuses what the engine refuses. Covers the keywords the
// pack's schemas use; every problem is returned with its key path.
import type { PropertySchema } from "./packConfig";

type Schema = Exclude<PropertySchema, boolean>;

const typeOf = (value: unknown): string =>
  Array.isArray(value) ? "array" : value === null ? "null" : Number.isInteger(value) ? "integer" : typeof value;

function typeMatches(expected: string, value: unknown): boolean {
  const actual = typeOf(value);
  return actual === expected || (expected === "number" && actual === "integer");
}

function arrayProblems(value: unknown[], schema: Schema, path: string): string[] {
  const problems: string[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems)
    problems.push(`${path}: needs at least ${schema.minItems} item(s)`);
  if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size !== value.length)
    problems.push(`${path}: lists an item twice`);
  const items = schema.items;
  if (items && typeof items === "object" && !Array.isArray(items))
    value.forEach((item, index) => problems.push(...schemaProblems(item, items as Schema, `${path}[${index}]`)));
  return problems;
}

function objectProblems(value: Record<string, unknown>, schema: Schema, path: string): string[] {
  const problems: string[] = [];
  for (const key of schema.required ?? []) if (value[key] === undefined) problems.push(`${path}.${key}: is required`);
  for (const [key, item] of Object.entries(value)) {
    const declared = schema.properties?.[key];
    const extra = schema.additionalProperties;
    if (declared !== undefined && typeof declared === "object")
      problems.push(...schemaProblems(item, declared, `${path}.${key}`));
    else if (declared === undefined && extra === false) problems.push(`${path}.${key}: is not a property of this rule`);
    else if (declared === undefined && typeof extra === "object")
      problems.push(...schemaProblems(item, extra, `${path}.${key}`));
  }
  return problems;
}

/** Every way `value` breaks `schema`, each prefixed with its key path (`.accountIds[0]: …`). */
export function schemaProblems(value: unknown, schema: Schema, path = ""): string[] {
  const type = typeof schema.type === "string" ? schema.type : undefined;
  if (type && !typeMatches(type, value))
    return [`${path}: must be ${type === "integer" ? "an integer" : `a(n) ${type}`}`];
  const problems: string[] = [];
  if (schema.enum && !schema.enum.some((allowed) => allowed === value))
    problems.push(
      `${path}: ${JSON.stringify(value)} is not one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`,
    );
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) problems.push(`${path}: must not be empty`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value))
      problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(`${path}: must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(`${path}: must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value)) problems.push(...arrayProblems(value, schema, path));
  else if (typeOf(value) === "object") problems.push(...objectProblems(value as Record<string, unknown>, schema, path));
  return problems;
}
