// Runs this program offline under the Pulumi SDK's mocks with a stack file's config, for synth.ts and the tests:
// no Pulumi CLI, no cloud credentials. Each process runs index.ts once, as the Pulumi engine does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

export interface MockedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface StackRender {
  resources: MockedResource[];
  /** The stack's outputs, resolved. */
  outputs: unknown;
}

/** A stack file's config as the engine passes it: `namespace:key` to a string (structured values as JSON). */
export function stackConfig(file: string): { config: Record<string, string>; secretKeys: string[] } {
  const values = (parse(readFileSync(join(__dirname, file), "utf8")) as { config: Record<string, unknown> }).config;
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(values))
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  return { config, secretKeys: [] };
}

/** What a provider computes that the program reads back: ARNs from names, a generated password. */
function computedState(type: string, name: string, inputs: Record<string, unknown>, accountId: string) {
  if (type === "aws:iam/role:Role") return { arn: `arn:aws:iam::${accountId}:role/${String(inputs.name)}` };
  if (type === "random:index/randomPassword:RandomPassword") return { result: `generated-for-${name}` };
  return {};
}

/** Register the program with `file`'s config under mocks; every resource it registers, with its inputs. */
export async function renderStack(file = "Pulumi.example.yaml"): Promise<StackRender> {
  const { config, secretKeys } = stackConfig(file);
  const accountId = config["vendor-access:accountId"];
  const resources: MockedResource[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs, accountId) };
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        if (args.token !== "aws:index/getCallerIdentity:getCallerIdentity") return {};
        return { accountId, arn: `arn:aws:iam::${accountId}:user/synth`, userId: "AIDASYNTH" };
      },
    },
    "platform-team",
    "example",
    false,
    "organization",
  );
  pulumi.runtime.setAllConfig(config, secretKeys);
  let outputs: unknown;
  // Waits for every registration the program starts, not only those its outputs depend on.
  await pulumi.runtime.runInPulumiStack(async () => {
    outputs = await import("./index");
    return outputs as pulumi.Inputs;
  });
  return { resources, outputs };
}
