import * as pulumi from "@pulumi/pulumi";

export const account = "123456789012";
export const region = "us-east-1";

/** A resource as the engine would have received it, with the state the mock answered. */
export interface Registration {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly state: Record<string, any>;
}

/** Outputs AWS computes on create, so the program's interpolations see realistic values. */
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
  const physical = inputs.name ?? `${inputs.namePrefix ?? `${name}-`}1a2b3c4`;
  switch (type) {
    case "aws:cloudwatch/logGroup:LogGroup":
      return { name: physical, arn: `arn:aws:logs:${region}:${account}:log-group:${physical}` };
    case "aws:iam/role:Role":
      return { name: physical, arn: `arn:aws:iam::${account}:role/${physical}` };
    case "aws:sfn/stateMachine:StateMachine":
      return { name: physical, arn: `arn:aws:states:${region}:${account}:stateMachine:${physical}` };
    case "aws:cloudwatch/eventRule:EventRule":
      return { name: physical, arn: `arn:aws:events:${region}:${account}:rule/${physical}` };
    case "aws:sqs/queue:Queue":
      return {
        name: physical,
        arn: `arn:aws:sqs:${region}:${account}:${physical}`,
        url: `https://sqs.${region}.amazonaws.com/${account}/${physical}`,
      };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { name: physical, arn: `arn:aws:cloudwatch:${region}:${account}:alarm:${physical}` };
    default:
      return {};
  }
}

const invokes: Record<string, Record<string, unknown>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": {
    accountId: account,
    arn: `arn:aws:iam::${account}:user/ci`,
    userId: "AIDAEXAMPLE",
  },
  "aws:index/getPartition:getPartition": { partition: "aws", dnsSuffix: "amazonaws.com" },
  "aws:index/getRegion:getRegion": { region, name: region },
};

/**
 * Installs Pulumi's mocks and returns the list every registered resource is appended to.
 * Each call starts a fresh list, so tests don't see each other's resources.
 */
export function installMocks(stack = "test"): Registration[] {
  const registrations: Registration[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const state = { ...args.inputs, ...computed(args.type, args.name, args.inputs) };
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs, state });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => {
        const result = invokes[args.token];
        if (result === undefined) throw new Error(`no mock for invoke ${args.token}`);
        return result;
      },
    },
    "order-processing-workflow",
    stack,
    false,
  );
  return registrations;
}

/** The value of an Output once the mocks have resolved it. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Lets every registration the program started reach the mocks. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}
