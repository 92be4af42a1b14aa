/**
 * The names of the workflow's state machines, fixed by the program so that each role's trust
 * policy can name its one state machine's ARN exactly: a name pattern such as
 * `orders-prod-*` also admits `orders-prod-eu-…`, another stack's state machine (issue 16).
 * Both names end in a suffix of their own, so no component's order can be named as another's
 * pricing child: `orders-prod_pricing-order` and `orders-prod-pricing` differ.
 */
export const orderStateMachineName = (name: string): string => `${name}-order`;
export const pricingStateMachineName = (name: string): string => `${name}-pricing`;

/** Step Functions' name rules, with the characters CloudWatch logging allows (API_CreateStateMachine.html). */
const validName = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Refuses a component name whose state machine names Step Functions would refuse, before
 * anything is registered: a name is 1 to 80 letters, digits, `-` or `_` for its executions to be
 * logged (a Pulumi stack name may also hold `.`).
 */
export function checkStateMachineNames(name: string): void {
  const longest = pricingStateMachineName(name);
  if (!validName.test(orderStateMachineName(name)) || !validName.test(longest)) {
    throw new Error(
      `The workflow's name ${JSON.stringify(name)} must be at most ${80 - (longest.length - name.length)} letters, digits, - or _: ` +
        `its state machines are named ${JSON.stringify(orderStateMachineName(name))} and ${JSON.stringify(longest)}, ` +
        "and Step Functions names (with logging) are 1 to 80 of those characters.",
    );
  }
}
