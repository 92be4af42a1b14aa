import * as pulumi from "@pulumi/pulumi";
import { OrderProcessingWorkflow } from "./components/orderProcessingWorkflow";
import { configNamespace, loadStackConfig } from "./components/config/stackConfig";

const config = new pulumi.Config(configNamespace);
const { settings, logKmsKeyArn } = loadStackConfig((key) => config.get(key));

const workflow = new OrderProcessingWorkflow(`orders-${pulumi.getStack()}`, {
  apiId: settings.apiId,
  apiRegion: settings.apiRegion,
  stage: settings.stage,
  workflowType: settings.workflowType,
  pricingFanOut: settings.pricingFanOut,
  logging: {
    level: settings.logLevel,
    includeExecutionData: settings.includeExecutionData,
    retentionInDays: settings.logRetentionDays,
    kmsKeyArn: logKmsKeyArn,
  },
  mapMaxConcurrency: settings.mapMaxConcurrency,
  tracingEnabled: settings.tracingEnabled,
  maxCartItems: settings.maxCartItems,
  alarms: { topicArn: settings.alarmTopicArn },
  tags: { project: pulumi.getProject(), stack: pulumi.getStack() },
});

export const stateMachineArn = workflow.stateMachineArn;
export const stateMachineName = workflow.stateMachineName;
export const roleArn = workflow.roleArn;
export const logGroupName = workflow.logGroupName;
export const consoleUrl = workflow.consoleUrl;
export const safetyNetRuleName = workflow.safetyNetRuleName;
export const deadLetterQueueUrl = workflow.deadLetterQueueUrl;
export const alarmNames = workflow.alarmNames;
// pricingFanOut "express" only: the Express pricing child, its role, and its log group (its only history).
export const pricingStateMachineArn = workflow.pricingStateMachineArn;
export const pricingRoleArn = workflow.pricingRoleArn;
export const pricingLogGroupName = workflow.pricingLogGroupName;
