// The problems a config produces, for the tests of validation: the ConfigError's list, or [] when it is valid.
import * as assert from "node:assert/strict";
import { ConfigError, parseStackConfig } from "../../model/config";

/** Parses raw `vendor-access:*` config (or runs a parse of one's own); any error but a ConfigError fails the test. */
export function configProblemsOf(raw: Record<string, unknown> | (() => unknown)): string[] {
  try {
    if (typeof raw === "function") raw();
    else parseStackConfig(raw);
    return [];
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.problems;
  }
}
