// Starts a policy pack the way the Pulumi CLI does and speaks the analyzer protocol to it.
//
// The CLI runs the `pulumi-analyzer-policy` plugin with the pack directory as its working directory and the
// arguments `<engine address> .`; the plugin runs `node <require.resolve("@pulumi/pulumi/cmd/run-policy-pack")>`
// with them. run-policy-pack drops the engine address, registers ts-node with the pack's tsconfig.json (when
// there is one), and requires the pack; PolicyPack reads the version from ./package.json, starts the gRPC server
// and prints its port on stdout.
import { ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeDiagnostic,
  AnalyzeRequest,
  AnalyzeResponse,
  AnalyzerResourceOptions,
  EnforcementLevel,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { UNKNOWN_STRING } from "./harness";

/** run-policy-pack discards the engine address; the pack never calls the engine. */
const ENGINE_ADDRESS = "127.0.0.1:0";
export const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
export const URN = `urn:pulumi:dev::order-processing-workflow::${STATE_MACHINE}::orders`;

export interface Diagnostic {
  policyName: string;
  message: string;
  enforcementLevel: EnforcementLevel;
  urn: string;
}

export interface ServedPack {
  pack: ChildProcess;
  client: AnalyzerClient;
}

export interface ServeOptions {
  /** The run-policy-pack to start; by default the one the pack directory resolves, as the plugin finds it. */
  runPolicyPack?: string;
  /** Options for node itself, before the script. */
  nodeArgs?: string[];
  /**
   * Started as mocha loads a test file, before any test needs it: then it must neither outlive mocha
   * nor keep it waiting when no test of it runs (--grep).
   */
  startedAtLoad?: boolean;
}

/** Starts the pack in `packDir` and connects to the port it prints, or rejects with what it wrote. */
export function servePack(packDir: string, options: ServeOptions = {}): Promise<ServedPack> {
  // Without the TS_NODE_* settings a developer may have exported, which the CLI would not pass on either.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TS_NODE_")));
  const runPolicyPack =
    options.runPolicyPack ?? require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
  const args = [...(options.nodeArgs ?? []), runPolicyPack, ENGINE_ADDRESS, "."];
  const pack = spawn(process.execPath, args, { cwd: packDir, env });
  if (options.startedAtLoad) {
    process.once("exit", () => pack.kill());
    pack.unref();
    (pack.stdout as unknown as { unref(): void }).unref();
    (pack.stderr as unknown as { unref(): void }).unref();
  }
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    pack.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\n/.exec(stdout);
      if (line) {
        const client = new AnalyzerClient(`127.0.0.1:${line[1]}`, grpc.credentials.createInsecure());
        resolve({ pack, client });
      }
    });
    pack.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    pack.on("exit", (code) =>
      reject(new Error(`the pack exited with ${code} before serving:\n${stdout}${stderr}`)),
    );
  });
}

/** Closes the connection and ends the pack; either may be missing when starting it failed. */
export function stopPack(served: Partial<ServedPack> | undefined): void {
  served?.client?.close();
  served?.pack?.kill();
}

/** Wraps a unary call of the generated client in a promise. */
export function call<Response>(
  invoke: (callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown,
): Promise<Response> {
  return new Promise((resolve, reject) =>
    invoke((error, response) => (error ? reject(error) : resolve(response))),
  );
}

export function diagnosticsOf(response: AnalyzeResponse): Diagnostic[] {
  return response.getDiagnosticsList().map((d: AnalyzeDiagnostic) => ({
    policyName: d.getPolicyname(),
    message: d.getMessage(),
    enforcementLevel: d.getEnforcementlevel(),
    urn: d.getUrn(),
  }));
}

/** An aws provider state machine with this definition (serialised unless it is a string), as the engine sends it. */
export function stateMachineRequest(definitionValue: unknown): AnalyzeRequest {
  const properties = {
    roleArn: "arn:aws:iam::123456789012:role/orders-role",
    definition: typeof definitionValue === "string" ? definitionValue : JSON.stringify(definitionValue),
    loggingConfiguration: { level: "ERROR", logDestination: UNKNOWN_STRING },
  };
  return new AnalyzeRequest()
    .setUrn(URN)
    .setType(STATE_MACHINE)
    .setName("orders")
    .setProperties(Struct.fromJavaScript(properties))
    .setOptions(new AnalyzerResourceOptions());
}

/** Analyzes one state machine with this definition and returns the pack's diagnostics. */
export async function analyzeStateMachine(
  client: AnalyzerClient,
  definitionValue: unknown,
): Promise<Diagnostic[]> {
  const response = await call<AnalyzeResponse>((done) =>
    client.analyze(stateMachineRequest(definitionValue), done),
  );
  return diagnosticsOf(response);
}
