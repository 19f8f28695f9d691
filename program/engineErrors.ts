// The engine prints a RunError's message without a stack trace, and anything else with one. The model's errors are
// plain (model/errors.ts), so the program turns them into RunErrors at its entry points.
import * as pulumi from "@pulumi/pulumi";
import { VendorAccessError } from "../model/errors";

/** The same error as a RunError for the engine, still an instance of its own class (ConfigError, PlanError...). */
export function asRunError(error: unknown): unknown {
  const alreadyRunError: boolean = pulumi.RunError.isInstance(error);
  if (!(error instanceof VendorAccessError) || alreadyRunError) return error;
  const runError = new pulumi.RunError(error.message);
  Object.assign(runError, error, { name: error.name });
  return Object.setPrototypeOf(runError, Object.getPrototypeOf(error));
}

/** Run a program step, handing the model's errors to the engine as RunErrors. */
export async function withRunErrors<T>(step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw asRunError(error);
  }
}
