// The one schema of a vendor profile's data, for defineVendor and for `vendor-access:vendors` in stack config.
// Internal: the public declarations describe profiles with the plain interfaces of profile.ts, never with zod types.
import { z } from "zod";
import { parsePrincipalArn } from "../arns";
import { formatPath, issuesOf, show } from "../validation";
import type { AccessLevel, AuthMode, HandoffField, VendorProfile } from "./profile";

export const accessLevels = ["read", "read-write"] as const satisfies readonly AccessLevel[];
export const authModes = ["role", "accessKey", "bucketPolicy"] as const satisfies readonly AuthMode[];
export const handoffFields = [
  "roleArn",
  "externalId",
  "accessKey",
  "buckets",
  "regions",
  "accessPoints",
  "pathToDrive",
  "encryption",
  "vendorSideStatement",
] as const satisfies readonly HandoffField[];

/** The integration keys every vendor has; a vendor's extraConfig may not redefine them. */
export const integrationKeys = [
  "name",
  "vendor",
  "access",
  "auth",
  "principal",
  "externalId",
  "excludeActions",
  "buckets",
  "cors",
  "accessPoint",
] as const;

export const httpsOrigin = z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/, {
  error: (issue) => `${show(issue.input)} is not an https origin (https://host[:port])`,
});

// Exact actions only: IAM matches `*` and `?` inside action names, which would grant whatever AWS adds later.
const action = (service: "s3" | "kms") =>
  z.string().regex(new RegExp(`^${service}:[A-Za-z0-9]+$`), {
    error: (issue) => `${show(issue.input)} is not an exact ${service} action (${service}:ActionName, no wildcards)`,
  });

const actionList = (service: "s3" | "kms") =>
  z
    .array(action(service))
    .default([])
    .superRefine((actions, ctx) => {
      actions.forEach((name, index) => {
        const first = actions.findIndex((other) => other.toLowerCase() === name.toLowerCase());
        if (first !== index)
          ctx.addIssue({ code: "custom", path: [index], message: `${show(name)} is listed twice (also [${first}])` });
      });
    });

const actionSet = z
  .strictObject({ bucket: actionList("s3"), object: actionList("s3"), kms: actionList("kms") })
  .refine((set) => set.bucket.length + set.object.length > 0, { error: "grants no S3 action" });

const principalOf = (kinds: readonly string[], what: string) =>
  z.string().refine(
    (value) => {
      const parsed = parsePrincipalArn(/^\d{12}$/.test(value) ? `arn:aws:iam::${value}:root` : value);
      return parsed !== undefined && kinds.includes(parsed.kind);
    },
    { error: (issue) => `${show(issue.input)} is not ${what}` },
  );

// A role's trust always carries sts:ExternalId, so a role mode must say where the ExternalId comes from.
const authModeSchemas = z.strictObject({
  role: z
    .strictObject({
      externalId: z.enum(["generated", "vendor-issued"]),
      bucketPolicyPrincipal: z.literal("role").optional(),
    })
    .optional(),
  accessKey: z
    .strictObject({ externalId: z.literal("none").default("none"), takesPrincipal: z.literal(false).default(false) })
    .optional(),
  bucketPolicy: z
    .strictObject({
      externalId: z.literal("none").default("none"),
      bucketPolicyPrincipal: z.literal("vendor").default("vendor"),
    })
    .optional(),
});

/** The data part of a vendor profile: what stack config may give under `vendor-access:vendors`. */
export const vendorDataSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
      error: (issue) => `${show(issue.input)} must be lowercase letters, digits and single hyphens`,
    })
    .max(32, { error: (issue) => `${show(issue.input)} is longer than 32 characters` }),
  displayName: z.string().min(1).max(64),
  instructions: z.string().min(1).optional(),
  defaultPrincipal: principalOf(["root", "role"], "an account root or role ARN").optional(),
  // Rendered as one tag value: at most 256 characters (IAM: tagging requirements).
  knownPrincipals: z
    .array(principalOf(["root", "role"], "a 12-digit account, account root ARN or role ARN"))
    .min(1)
    .refine((list) => list.join(" ").length <= 256, { error: "must fit one 256-character tag value" })
    .optional(),
  principalKinds: z.array(z.enum(["account", "role"])).min(1),
  access: z.strictObject({
    default: z.enum(accessLevels),
    levels: z.strictObject({ read: actionSet.optional(), "read-write": actionSet.optional() }),
  }),
  auth: z.strictObject({ default: z.enum(authModes), modes: authModeSchemas }),
  cors: z
    .strictObject({
      defaultOrigins: z.array(httpsOrigin).min(1),
      methods: z.array(z.enum(["GET", "PUT", "POST", "DELETE", "HEAD"])).min(1),
      headers: z.array(z.string().min(1)).default([]),
    })
    .optional(),
  accessPoint: z.boolean().optional(),
  handoff: z.array(z.enum(handoffFields)).min(1),
});

type VendorData = z.output<typeof vendorDataSchema>;

/**
 * Checks across fields, run on the raw definition even when other keys are invalid, so that every problem is
 * reported at once (zod skips refinements of an object that failed its own shape).
 */
function crossFieldProblems(raw: unknown): { path: PropertyKey[]; message: string }[] {
  if (typeof raw !== "object" || raw === null) return [];
  const vendor = raw as DeepPartial<VendorData>;
  const problems: { path: PropertyKey[]; message: string }[] = [];
  const levels = Object.keys(vendor.access?.levels ?? {});
  const modes = Object.keys(vendor.auth?.modes ?? {});
  const kinds: unknown[] = Array.isArray(vendor.principalKinds) ? vendor.principalKinds : [];
  const handoff: unknown[] = Array.isArray(vendor.handoff) ? vendor.handoff : [];
  if (typeof vendor.access?.default === "string" && !levels.includes(vendor.access.default))
    problems.push({
      path: ["access", "default"],
      message: `${show(vendor.access.default)} is not one of access.levels (${levels.join(", ") || "none"})`,
    });
  if (typeof vendor.auth?.default === "string" && !modes.includes(vendor.auth.default))
    problems.push({
      path: ["auth", "default"],
      message: `${show(vendor.auth.default)} is not one of auth.modes (${modes.join(", ") || "none"})`,
    });
  if (modes.includes("bucketPolicy") && kinds.some((kind) => kind !== "account"))
    problems.push({
      path: ["principalKinds"],
      message: "a bucketPolicy vendor is named in bucket policies by its account: principalKinds must be [account]",
    });
  if (handoff.includes("vendorSideStatement") && !modes.includes("bucketPolicy"))
    problems.push({
      path: ["handoff"],
      message: "vendorSideStatement is only for vendors with a bucketPolicy auth mode",
    });
  if (handoff.includes("accessPoints") && vendor.accessPoint !== true)
    problems.push({ path: ["handoff"], message: "accessPoints needs accessPoint: true" });
  return problems;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Parse a profile's data; undefined with `problems` filled when it is invalid. */
export function parseVendorData(
  data: unknown,
  where: readonly PropertyKey[],
  problems: string[],
): VendorProfile | undefined {
  const parsed = vendorDataSchema.safeParse(data);
  const crossField = crossFieldProblems(data).map(
    ({ path, message }) => `${formatPath([...where, ...path])}: ${message}`,
  );
  if (!parsed.success) problems.push(...issuesOf(parsed.error, where));
  problems.push(...crossField);
  return parsed.success && crossField.length === 0 ? (parsed.data as VendorProfile) : undefined;
}
