// This repo's stack as the engine sends it to a stack policy, built with the program's own definition and IAM
// builders, for the stack policy's tests.
import { orderRoutes } from "../../components/resources/calledRoutes";
import { buildDefinition } from "../../components/definition/definition";
import { executionPolicy } from "../../components/resources/iam";
import { defaults } from "../../components/config/settings";
import { UNKNOWN_STRING } from "./harness";
import { StackResource } from "./stack-harness";

export const ACCOUNT = "123456789012";
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/orders-role-1a2b`;
export const API = `arn:aws:execute-api:us-east-1:${ACCOUNT}:MyApiId/dev`;
export const ROLE = "aws:iam/role:Role";
export const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
export const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
export const ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
export const INVOKE_FULL_ACCESS = "arn:aws:iam::aws:policy/AmazonAPIGatewayInvokeFullAccess";

/** The routes' grants and the definition of this repo's dev stack, from the program's own builders. */
const routesPolicy = executionPolicy(
  { partition: "aws", region: "us-east-1", account: ACCOUNT, apiId: "MyApiId", stage: "dev" },
  { called: orderRoutes(defaults.pricingFanOut), tracingEnabled: false },
);
const orderDefinition = buildDefinition({
  endpoint: "MyApiId.execute-api.us-east-1.amazonaws.com",
  stage: "dev",
  ...defaults,
});
export const granted = routesPolicy.Statement[0].Resource as string[];

export function invokeDocument(resources: string[], extra: Record<string, unknown>[] = []): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "InvokeOrderApiRoutes", Effect: "Allow", Action: "execute-api:Invoke", Resource: resources },
      ...extra,
    ],
  });
}

export interface StackOptions {
  resources?: string[];
  policy?: unknown;
  roleArn?: string;
  definitionValue?: unknown;
}

/** This repo's stack as the engine sends it after an update: every value known. */
export function orderStack(options: StackOptions = {}): StackResource[] {
  return [
    {
      type: ROLE,
      name: "orders-role",
      props: { name: "orders-role-1a2b", arn: ROLE_ARN, assumeRolePolicy: "{}" },
    },
    {
      type: ROLE_POLICY,
      name: "orders-execution",
      props: {
        role: "orders-role-1a2b",
        policy: options.policy ?? invokeDocument(options.resources ?? granted),
      },
      propertyDependencies: { role: ["orders-role"] },
    },
    {
      type: STATE_MACHINE,
      name: "orders",
      props: {
        roleArn: options.roleArn ?? ROLE_ARN,
        definition: JSON.stringify(options.definitionValue ?? orderDefinition),
      },
      propertyDependencies: { roleArn: options.roleArn === undefined ? ["orders-role"] : [] },
    },
  ];
}

/** The same stack during a first preview: the role's name and ARN, and what is built from them, unknown. */
export function previewStack(options: StackOptions = {}): StackResource[] {
  const [role, rolePolicy, stateMachine] = orderStack(options);
  return [
    { ...role, props: { ...role.props, name: UNKNOWN_STRING, arn: UNKNOWN_STRING } },
    { ...rolePolicy, props: { ...rolePolicy.props, role: UNKNOWN_STRING } },
    { ...stateMachine, props: { ...stateMachine.props, roleArn: UNKNOWN_STRING } },
  ];
}
