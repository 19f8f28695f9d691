// The model's errors are plain Errors, so that the pure model never loads the Pulumi SDK; the program hands them to
// the engine as RunErrors (program/engineErrors.ts), which it prints without a stack trace.

/** Base of every error that reports bad input or an impossible plan: its message is the whole story. */
export class VendorAccessError extends Error {}

/** "Invalid <what> (N problems):" followed by one indented line per problem. */
export function problemsMessage(what: string, problems: readonly string[]): string {
  return `Invalid ${what} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`;
}
