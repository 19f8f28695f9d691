// What the engine receives, with secrecy intact: every registration's inputs and the outputs it declares
// secret, and every registerOutputs call (components and the stack), captured from the mock monitor.
import * as pulumi from "@pulumi/pulumi";
import { isSecretWrapper } from "../../tools/mockEngine";

export interface EngineMessage {
  /** `inputs of <name>`, `outputs of <name>`, `state of <name>`: where the values went. */
  what: string;
  values: Record<string, unknown>;
  /** State keys the engine keeps secret: `additionalSecretOutputs` and secret inputs; none for other messages. */
  secretOutputs: string[];
}

interface RegisterRequest {
  getName(): string;
  getObject(): never;
  getAdditionalsecretoutputsList(): string[];
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): never;
}
type Callback = (err: unknown, response: { getObject(): never } | undefined) => void;
interface Monitor {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
  registerResourceOutputs(req: OutputsRequest, callback: (err: unknown) => void): void;
}

/** Call inside the program (after setMocks): from then on, every message to the engine lands in `into`. */
export function captureEngineMessages(into: EngineMessage[]): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, response) => {
      const inputs = pulumi.runtime.deserializeProperties(req.getObject()) as Record<string, unknown>;
      // The engine keeps an output secret when its input was (Pulumi docs, "Secrets": secrets propagate).
      const secretInputs = Object.keys(inputs).filter((key) => isSecretWrapper(inputs[key]));
      const secretOutputs = [...req.getAdditionalsecretoutputsList(), ...secretInputs];
      into.push({ what: `inputs of ${req.getName()}`, values: inputs, secretOutputs: [] });
      if (response)
        into.push({
          what: `state of ${req.getName()}`,
          values: pulumi.runtime.deserializeProperties(response.getObject()),
          secretOutputs,
        });
      callback(err, response);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    into.push({
      what: `outputs of ${req.getUrn().split("::").pop()}`,
      values: pulumi.runtime.deserializeProperties(req.getOutputs()),
      secretOutputs: [],
    });
    registerOutputs(req, callback);
  };
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
