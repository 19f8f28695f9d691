// What the engine receives, with secrecy intact: every registration's inputs and the outputs it declares
// secret, each component's outputs and the stack's, as the mock engine recorded them.
import { isSecretWrapper, type MockRun } from "../../tools/mockEngine";

export interface EngineMessage {
  /** `inputs of <name>`, `outputs of <name>`, `state of <name>`: where the values went. */
  what: string;
  values: Record<string, unknown>;
  /** State keys the engine keeps secret: `additionalSecretOutputs` and secret inputs; none for other messages. */
  secretOutputs: string[];
}

/** Every message of a run to the engine: each registration's inputs and state, each component's and the stack's outputs. */
export function engineMessages(run: MockRun<unknown>): EngineMessage[] {
  const messages: EngineMessage[] = [];
  for (const resource of run.resources) {
    messages.push({ what: `inputs of ${resource.name}`, values: resource.props, secretOutputs: [] });
    // The engine keeps an output secret when its input was (Pulumi docs, "Secrets": secrets propagate).
    const secretInputs = Object.keys(resource.props).filter((key) => isSecretWrapper(resource.props[key]));
    const declared = run.engine.additionalSecretOutputs.get(resource.urn) ?? [];
    messages.push({
      what: `state of ${resource.name}`,
      values: resource.state,
      secretOutputs: [...declared, ...secretInputs],
    });
  }
  for (const component of run.engine.componentOutputs)
    messages.push({ what: `outputs of ${component.name}`, values: component.outputs, secretOutputs: [] });
  messages.push({ what: "outputs of the stack", values: run.engine.stackOutputs, secretOutputs: [] });
  return messages;
}

/**
 * Every place where one of `sensitive` appears in plain text: a string leaf (JSON documents included) outside
 * a secret, except a provider output the registration declared secret.
 */
export function plainTextOccurrences(messages: EngineMessage[], sensitive: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (isSecretWrapper(value)) return;
    if (typeof value === "string") {
      for (const secret of sensitive) if (value.includes(secret)) found.push(`${path} holds ${secret}`);
    } else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (typeof value === "object" && value !== null)
      for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
  };
  for (const message of messages)
    for (const [key, value] of Object.entries(message.values)) {
      if (message.what.startsWith("state of ") && message.secretOutputs.includes(key)) continue;
      walk(value, `${message.what}: ${key}`);
    }
  return found;
}
