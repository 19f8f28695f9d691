// Renders resource specs (model/resourceSpecs.ts) as the engine would receive them: references resolved to the
// values the plan knows, secrets noted so that the render can redact them.
import {
  isSpecConcat,
  isSpecRef,
  isSpecSecret,
  stackResourceSpecs,
  type ResourceSpec,
  type SharedBucketContext,
  type SpecValue,
} from "../model/resourceSpecs";
import type { StackPlan } from "../model/stackPlan";

export interface RenderedResource {
  type: string;
  name: string;
  parent: string | null;
  props: Record<string, unknown>;
}

/** A rendered spec with what the render itself leaves out: whether it is an AWS resource, and its parent's type. */
export interface RenderedSpec extends RenderedResource {
  custom: boolean;
  parentType: string | null;
  /** The URN the engine gives it: its parents' type tokens, then its own, then its name. */
  urn: string;
}

/** Stands in for a value only the provider knows (a generated ExternalId); always inside a secret. */
export const unknownSecret = "[secret]";

/** Every string inside a resolved value: a secret list (the chain's ExternalIds) is secret item by item. */
function stringsOf(value: unknown): string[] {
  if (typeof value === "string") return value.length > 0 ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringsOf);
  return [];
}

function resolve(value: SpecValue, secrets: Set<string>, insideSecret: boolean): unknown {
  if (value === null) return null;
  if (isSpecRef(value)) return value.known ?? (insideSecret ? unknownSecret : `[${value.$ref}.${value.output}]`);
  if (isSpecSecret(value)) {
    const inner = resolve(value.$secret, secrets, true);
    // A secret JSON document (a trust policy) is not itself the secret: the value inside it is.
    if (typeof inner === "string" && inner.length > 0 && !/^\s*[{[]/.test(inner)) secrets.add(inner);
    if (typeof inner === "object") for (const item of stringsOf(inner)) secrets.add(item);
    return inner;
  }
  if (isSpecConcat(value)) return value.$concat.map((part) => String(resolve(part, secrets, insideSecret))).join("");
  if (Array.isArray(value)) return value.map((item) => resolve(item, secrets, insideSecret));
  if (typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolve(item, secrets, insideSecret)]));
  return value;
}

function renderSpec(spec: ResourceSpec, secrets: Set<string>, urn: string): RenderedSpec {
  return {
    urn,
    type: spec.type,
    name: spec.name,
    parent: spec.parent,
    parentType: spec.parentType,
    custom: spec.custom,
    props: resolve(spec.inputs, secrets, false) as Record<string, unknown>,
  };
}

function urnOf(stack: StackName, spec: ResourceSpec, byKey: ReadonlyMap<string, ResourceSpec>): string {
  const types = [spec.type];
  for (let parent = spec; parent.parentType !== null && parent.parent !== null;) {
    types.unshift(parent.parentType);
    const next = byKey.get(`${parent.parentType}::${parent.parent}`);
    if (!next) break;
    parent = next;
  }
  return `urn:pulumi:${stack.stack}::${stack.project}::${types.join("$")}::${spec.name}`;
}

export interface StackName {
  project: string;
  stack: string;
}

/** Every resource of the stack, rendered; `secretValues` holds every plain value that was secret. */
export function renderSpecs(
  stackPlan: StackPlan,
  stack: StackName,
  context: SharedBucketContext,
): { resources: RenderedSpec[]; secretValues: Set<string> } {
  const secretValues = new Set<string>();
  const specs = stackResourceSpecs(stackPlan, context);
  const byKey = new Map(specs.filter((spec) => !spec.custom).map((spec) => [`${spec.type}::${spec.name}`, spec]));
  const resources = specs.map((spec) => renderSpec(spec, secretValues, urnOf(stack, spec, byKey)));
  return { resources, secretValues };
}
