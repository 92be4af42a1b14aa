/**
 * Loaded by mocha before any test (.mocharc.json). The program warns through `pulumi.log.warn` that
 * the seed's apiId `MyApiId` is not a real API id; with no Pulumi engine in the tests, that lands
 * on console.warn once per deployment test. Those expected lines are kept out of the output; a test
 * about the warning replaces console.warn with its own spy, which sees them.
 */
import "../local/cli/nodeVersion";

const expectedWarning = /^warning: \[runtime\] apiId "MyApiId" is not in API Gateway's id format/;
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === "string" && expectedWarning.test(args[0])) return;
  warn(...args);
};
