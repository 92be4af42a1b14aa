import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { apiEndpoint } from "./definition/apiGatewayTask";
import { createAlarms } from "./resources/alarmResources";
import { orderRoutes } from "./resources/calledRoutes";
import { buildDefinition } from "./definition/definition";
import { ApiScope, executionPolicy, trustPolicy } from "./resources/iam";
import { createPricing } from "./resources/pricingResources";
import { createSafetyNet } from "./resources/safetyNetResources";
import { checkStateMachineNames, orderStateMachineName } from "./resources/stateMachineNames";
import { LogLevel, resolveSettings, SettingName } from "./config/settings";
import { PricingFanOut, WorkflowType } from "./config/modes";

export interface OrderProcessingWorkflowArgs {
  /** Id of the API Gateway REST API serving the order routes. */
  readonly apiId: string;
  /** Region the API is deployed in. @default the provider's region */
  readonly apiRegion?: string;
  /** API Gateway stage the workflow calls. */
  readonly stage: string;
  /** STANDARD (exactly-once, for orders) or EXPRESS (at-least-once, up to five minutes). @default "STANDARD" */
  readonly workflowType?: WorkflowType;
  /**
   * Where the cart is priced: "inline" in this state machine, or "express" in a synchronous
   * Express child, so the order's Standard transitions do not grow with the cart. @default "inline"
   */
  readonly pricingFanOut?: PricingFanOut;
  readonly logging?: {
    /** Execution history level sent to CloudWatch Logs. @default "ERROR" */
    readonly level?: LogLevel;
    /** Whether log events carry state input and output (orders carry customer data). @default false */
    readonly includeExecutionData?: boolean;
    /** Log retention, one of the values CloudWatch accepts. @default 30 */
    readonly retentionInDays?: number;
    /** KMS key that encrypts the log group; its key policy must allow CloudWatch Logs. @default none */
    readonly kmsKeyArn?: pulumi.Input<string>;
  };
  /** Cart items priced at once, so a large cart cannot flood the API. @default 5 */
  readonly mapMaxConcurrency?: number;
  /** Send traces to AWS X-Ray. @default false */
  readonly tracingEnabled?: boolean;
  /** Validate Order refuses a larger cart before any call; at most 146 (components/config/limits.ts). @default 100 */
  readonly maxCartItems?: number;
  readonly alarms?: {
    /** SNS topic ARN the alarms notify when they fire and when they clear. @default none (alarms without actions) */
    readonly topicArn?: string;
  };
  /** Tags for every resource the component creates. @default none */
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** How each setting is named in messages about these args. */
const argNames: { readonly [K in SettingName]: string } = {
  apiId: "apiId",
  apiRegion: "apiRegion",
  stage: "stage",
  workflowType: "workflowType",
  pricingFanOut: "pricingFanOut",
  logLevel: "logging.level",
  includeExecutionData: "logging.includeExecutionData",
  logRetentionDays: "logging.retentionInDays",
  mapMaxConcurrency: "mapMaxConcurrency",
  tracingEnabled: "tracingEnabled",
  maxCartItems: "maxCartItems",
  alarmTopicArn: "alarms.topicArn",
};

/**
 * The order-processing workflow: a Step Functions state machine calling the order API through
 * API Gateway, its least-privilege role, the log group its executions are logged to, the safety
 * net that announces the failures the definition cannot (docs/outcomes.md), and the alarms; with
 * pricingFanOut "express", also the Express pricing child it runs (components/resources/pricingResources.ts).
 */
export class OrderProcessingWorkflow extends pulumi.ComponentResource {
  public readonly stateMachineArn: pulumi.Output<string>;
  public readonly stateMachineName: pulumi.Output<string>;
  public readonly roleArn: pulumi.Output<string>;
  public readonly logGroupName: pulumi.Output<string>;
  /** The deployed ASL definition (JSON). */
  public readonly definition: pulumi.Output<string>;
  /** The state machine in the AWS console. */
  public readonly consoleUrl: pulumi.Output<string>;
  /** The EventBridge rule that announces OrderFailed for executions the definition could not. */
  public readonly safetyNetRuleName: pulumi.Output<string>;
  /** Where the safety net's undeliverable OrderFailed events wait for on-call. */
  public readonly deadLetterQueueUrl: pulumi.Output<string>;
  /** The CloudWatch alarms, by what they watch (the `suffix` of components/resources/alarms.ts). */
  public readonly alarmNames: pulumi.Output<Record<string, string>>;
  /** pricingFanOut "express": the Express pricing child; undefined inline. */
  public readonly pricingStateMachineArn: pulumi.Output<string> | undefined;
  /** pricingFanOut "express": the pricing child's role; undefined inline. */
  public readonly pricingRoleArn: pulumi.Output<string> | undefined;
  /** pricingFanOut "express": where the pricing child's executions are logged (their only history); undefined inline. */
  public readonly pricingLogGroupName: pulumi.Output<string> | undefined;

  constructor(name: string, args: OrderProcessingWorkflowArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before super() so that bad args register nothing at all.
    const settings = resolveSettings(
      {
        apiId: args.apiId,
        apiRegion: args.apiRegion,
        stage: args.stage,
        workflowType: args.workflowType,
        pricingFanOut: args.pricingFanOut,
        logLevel: args.logging?.level,
        includeExecutionData: args.logging?.includeExecutionData,
        logRetentionDays: args.logging?.retentionInDays,
        mapMaxConcurrency: args.mapMaxConcurrency,
        tracingEnabled: args.tracingEnabled,
        maxCartItems: args.maxCartItems,
        alarmTopicArn: args.alarms?.topicArn,
      },
      (setting) => `args.${argNames[setting]}`,
    );
    checkStateMachineNames(name);
    super("orders:workflow:OrderProcessingWorkflow", name, {}, opts);

    if (!/^[a-z0-9]{10}$/.test(settings.apiId)) {
      pulumi.log.warn(
        `apiId "${settings.apiId}" is not in API Gateway's id format (10 lowercase letters and digits): ` +
          "the state machine deploys, but its calls fail until apiId names a real API.",
        this,
      );
    }

    const parent = { parent: this };
    const partition = aws.getPartitionOutput({}, parent).partition;
    const account = aws.getCallerIdentityOutput({}, parent).accountId;
    const region = aws.getRegionOutput({}, parent).region;
    const apiRegion = settings.apiRegion === undefined ? region : pulumi.output(settings.apiRegion);
    const stateMachineName = orderStateMachineName(name);

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        // AWS's advice for vended logs: this prefix keeps the log resource policy under its size limit.
        namePrefix: `/aws/vendedlogs/states/${name}-`,
        retentionInDays: settings.logRetentionDays,
        kmsKeyId: args.logging?.kmsKeyArn,
        tags: args.tags,
      },
      parent,
    );

    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Execution role of the ${name} order-processing state machine`,
        assumeRolePolicy: pulumi
          .all([partition, region, account])
          .apply(([partition, region, account]) =>
            JSON.stringify(trustPolicy({ partition, region, account, stateMachineName })),
          ),
        tags: args.tags,
      },
      parent,
    );

    const apiScope: pulumi.Output<ApiScope> = pulumi
      .all([partition, apiRegion, account])
      .apply(([partition, apiRegion, account]) => ({
        partition,
        region: apiRegion,
        account,
        apiId: settings.apiId,
        stage: settings.stage,
      }));

    if (settings.pricingFanOut === "express" && settings.logLevel === "OFF") {
      pulumi.log.warn(
        'logLevel OFF with pricingFanOut "express": Express executions keep no history but their logs, so a ' +
          "failed pricing child leaves nothing to investigate; log at least ERROR.",
        this,
      );
    }

    const pricing =
      settings.pricingFanOut === "express"
        ? createPricing(
            name,
            {
              settings,
              partition,
              region,
              account,
              apiScope,
              kmsKeyArn: args.logging?.kmsKeyArn,
              tags: args.tags,
            },
            this,
          )
        : undefined;
    /** The child the definition starts and the role may start: one Output, so both name the same ARN. */
    const pricingArn: pulumi.Output<string | undefined> =
      pricing === undefined ? pulumi.output(undefined) : pricing.stateMachine.arn;

    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-execution`,
      {
        role: role.id,
        policy: pulumi.all([apiScope, pricingArn]).apply(([scope, pricingStateMachineArn]) =>
          JSON.stringify(
            executionPolicy(scope, {
              called: orderRoutes(settings.pricingFanOut),
              tracingEnabled: settings.tracingEnabled,
              startsSyncExecutionOf: pricingStateMachineArn,
            }),
          ),
        ),
      },
      parent,
    );

    this.definition = pulumi.all([apiRegion, pricingArn]).apply(([apiRegion, pricingStateMachineArn]) =>
      JSON.stringify(
        buildDefinition({
          endpoint: apiEndpoint(settings.apiId, apiRegion),
          stage: settings.stage,
          mapMaxConcurrency: settings.mapMaxConcurrency,
          maxCartItems: settings.maxCartItems,
          workflowType: settings.workflowType,
          pricingFanOut: settings.pricingFanOut,
          pricingStateMachineArn,
        }),
      ),
    );

    const stateMachine = new aws.sfn.StateMachine(
      name,
      {
        name: stateMachineName,
        type: settings.workflowType,
        roleArn: role.arn,
        definition: this.definition,
        loggingConfiguration: {
          level: settings.logLevel,
          includeExecutionData: settings.includeExecutionData,
          logDestination: pulumi.interpolate`${logGroup.arn}:*`,
        },
        tracingConfiguration: { enabled: settings.tracingEnabled },
        tags: args.tags,
      },
      // Step Functions checks the role's log-delivery permissions when the state machine is created.
      // Its name is fixed (the trust policy names its ARN), so a replacement must delete it first.
      { parent: this, dependsOn: [rolePolicy], deleteBeforeReplace: true },
    );

    if (settings.workflowType === "EXPRESS") {
      pulumi.log.warn(
        "Express executions send no status change events to EventBridge: the safety net never fires for them; " +
          "the alarms still count their failures, timeouts and aborts.",
        this,
      );
    }

    const { apiRegion: otherRegion } = settings;
    if (otherRegion !== undefined) {
      // EventBridge sends to another region only through an event bus, so a rule here cannot invoke an API
      // Gateway there (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html).
      region.apply((stackRegion) => {
        if (stackRegion !== otherRegion) {
          pulumi.log.warn(
            `apiRegion ${otherRegion} is not the stack's region ${stackRegion}: EventBridge reaches another region ` +
              "only through an event bus, so the safety net's API Gateway target is expected to fail; " +
              "deploy the stack in the API's region.",
            this,
          );
        }
      });
    }

    const safetyNet = createSafetyNet(
      name,
      { stateMachineArn: stateMachine.arn, account, apiScope, tags: args.tags },
      this,
    );
    const alarms = createAlarms(
      name,
      {
        dimensions: {
          stateMachine: stateMachine.arn,
          deadLetterQueue: safetyNet.deadLetterQueue.name,
          safetyNetRule: safetyNet.rule.name,
        },
        topicArn: settings.alarmTopicArn,
        tags: args.tags,
      },
      this,
    );

    this.stateMachineArn = stateMachine.arn;
    this.stateMachineName = stateMachine.name;
    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.consoleUrl = pulumi.interpolate`https://${region}.console.aws.amazon.com/states/home?region=${region}#/statemachines/view/${stateMachine.arn}`;
    this.safetyNetRuleName = safetyNet.rule.name;
    this.deadLetterQueueUrl = safetyNet.deadLetterQueue.url;
    this.alarmNames = pulumi.output(
      Object.fromEntries(Object.entries(alarms).map(([suffix, alarm]) => [suffix, alarm.name])),
    );
    this.pricingStateMachineArn = pricing?.stateMachine.arn;
    this.pricingRoleArn = pricing?.role.arn;
    this.pricingLogGroupName = pricing?.logGroup.name;

    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      stateMachineName: this.stateMachineName,
      roleArn: this.roleArn,
      logGroupName: this.logGroupName,
      definition: this.definition,
      consoleUrl: this.consoleUrl,
      safetyNetRuleName: this.safetyNetRuleName,
      deadLetterQueueUrl: this.deadLetterQueueUrl,
      alarmNames: this.alarmNames,
      pricingStateMachineArn: this.pricingStateMachineArn,
      pricingRoleArn: this.pricingRoleArn,
      pricingLogGroupName: this.pricingLogGroupName,
    });
  }
}
