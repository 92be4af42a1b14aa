// Values unknown during preview, read without the policy SDK's proxy. The SDK throws on reading an unknown
// value, which turns a whole check into "can't run during preview"; the stack policy instead needs to know
// which of many values are unknown and go on with the rest.
import * as proxy from "@pulumi/policy/proxy";
import { isJsonObject, JsonObject } from "./json";

// The SDK's placeholders for unknown values of each kind (proxy.js), left out of its type declarations.
const PLACEHOLDERS: ReadonlySet<unknown> = new Set(
  Object.entries(proxy as unknown as Record<string, unknown>)
    .filter(([key, value]) => /^unknown[A-Za-z]*Value$/.test(key) && typeof value === "string")
    .map(([, value]) => value),
);

/** Whether a value read from raw props is the SDK's placeholder for a value unknown during preview. */
export function isUnknown(value: unknown): boolean {
  return PLACEHOLDERS.has(value);
}

/** The props behind the SDK's unknown-checking proxy (proxy.js answers this key with its target). */
export function rawProps(props: unknown): JsonObject {
  const target: unknown = isJsonObject(props) ? props.__getSpecialProxyTarget : undefined;
  return isJsonObject(target) ? target : isJsonObject(props) ? props : {};
}
