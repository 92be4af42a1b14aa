// The pack's entry point, run by `pulumi preview --policy-pack` and `pulumi policy publish`. Constructing the
// PolicyPack starts the analyzer's gRPC server, so tests import the policies from ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("stepfunctions-state-machines-and-roles", { policies });
