// Placeholder until the policy pack lands (issue 3): the offline entry point synth and the tests call.
export interface ResourceUnderValidation {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

export interface Violation {
    policy: string;
    enforcementLevel: string;
    resource: string;
    message: string;
}

export interface ValidateOptions {
    accountIds: string[];
    [key: string]: unknown;
}

export async function validateResources(resources: ResourceUnderValidation[], options: ValidateOptions): Promise<Violation[]> {
    void resources;
    void options;
    return [];
}
