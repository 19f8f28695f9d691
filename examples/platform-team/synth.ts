// Renders the example stack offline (`npm run synth`): every resource the program registers, and what each
// integration's role may do. Values that are secrets (ExternalIds, trust policies) are not printed.
import { renderStack } from "./stackMocks";

async function main(): Promise<void> {
  const { resources } = await renderStack(process.argv[2]);
  for (const resource of resources) console.log(`${resource.type}  ${resource.name}`);
  for (const policy of resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy")) {
    const statements = JSON.parse(String(policy.inputs.policy)).Statement as { Action: string[] }[];
    console.log(`\n${policy.name}: ${statements.flatMap((s) => s.Action).join(", ")}`);
  }
  console.log(`\n${resources.length} resources`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
