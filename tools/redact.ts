// Renders, logs and reports never show a secret: every secret value is replaced wherever it appears.

/** How recordings and renders mark a secret value: the engine keeps it encrypted, a render shows "[secret]". */
export interface SecretValue {
  "@secret": true;
  value: unknown;
}

export function isSecretWrapper(value: unknown): value is SecretValue {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)["@secret"] === true;
}

/** Replace every secret, wherever it appears (also inside JSON strings), with "[secret]". */
export function redact<T>(value: T, secrets: Set<string>): T {
  const ordered = [...secrets].filter((s) => s.length >= 2).sort((a, b) => b.length - a.length);
  const scrub = (v: unknown): unknown => {
    if (isSecretWrapper(v)) return scrub(v.value);
    if (typeof v === "string") return ordered.reduce((text, secret) => text.split(secret).join("[secret]"), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (typeof v === "object" && v !== null)
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, scrub(item)]));
    return v;
  };
  return scrub(value) as T;
}
