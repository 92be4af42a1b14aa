/**
 * The states that price a cart: the Map of a Parallel of the four GET calls for each item, then
 * the tax call. The order's definition holds them inline, or the pricing child does
 * (pricingFanOut "express"): one builder, so both modes price alike.
 */
import { apiGatewayTask, ApiCall, ApiTarget, single } from "./apiGatewayTask";
import type { AslDefinition, AslState } from "./asl";
import { checkedResult, malformedResponseCause } from "./checkedResult";
import { malformedRules, steersPath } from "./choiceRules";
import { outcomeErrors } from "./outcomes";
import { responseFields } from "./responses";
import { routes } from "../routes";
import {
  branchFailedState,
  checkResponseState,
  literal,
  malformedResponseState,
  recordFailureState,
  states,
} from "./stateNames";

/**
 * A Parallel branch of one API call. A failed call ends its branch in a Fail state whose Cause
 * starts with the call's name, so the Map's Catch can still tell which call failed.
 */
function branch(target: ApiTarget, call: Omit<ApiCall, "onError" | "resultPath" | "next">): AslDefinition {
  const name = call.route.operation;
  return {
    StartAt: name,
    States: {
      [name]: apiGatewayTask(target, {
        ...call,
        onError: { next: recordFailureState(name), resultPath: "$.caught" },
      }),
      [recordFailureState(name)]: {
        Type: "Pass",
        Parameters: {
          "Error.$": "$.caught.Error",
          "Cause.$": `States.Format('${literal(name)}: {}', $.caught.Cause)`,
        },
        Next: branchFailedState(name),
      },
      [branchFailedState(name)]: { Type: "Fail", ErrorPath: "$.Error", CausePath: "$.Cause" },
    },
  };
}

const quantity = "States.Format('{}', $.item.quantity)";

/** The Parallel's result, one body per branch in branch order. */
const bodies = {
  product: "$[0].body",
  price: "$[1].body",
  promotions: "$[2].body",
  customer: "$[3].body",
} as const;

/**
 * Each call of the Parallel, with where its answer lands and what the workflow reads of it. A
 * malformed answer fails the item in a state of that call, whose Cause starts with the call's name,
 * as a failed call's does (branch), so the Map's Catch can tell which call answered it.
 */
const lineCalls = [
  { route: routes.getProduct, body: bodies.product, fields: responseFields.getProduct },
  { route: routes.getPrices, body: bodies.price, fields: responseFields.getPrices },
  { route: routes.getPromotions, body: bodies.promotions, fields: responseFields.getPromotions },
  { route: routes.getCustomer, body: bodies.customer, fields: responseFields.getCustomer },
] as const;

/**
 * One cart item: its ids checked, then product, price, promotions and customer fetched in
 * parallel, their answers checked, and merged into a line.
 */
function priceItem(target: ApiTarget): AslDefinition {
  const itemFields = { productId: "string", priceId: "string", quantity: "number" } as const;
  return {
    ProcessorConfig: { Mode: "INLINE" },
    StartAt: states.checkItem,
    States: {
      // The cart came back from the order service, which checked it against the contract; this
      // still refuses any id that would leave its path segment before it reaches a URL.
      [states.checkItem]: {
        Type: "Choice",
        Choices: [
          ...malformedRules("$.item", itemFields, states.malformedItem),
          steersPath("$.item.productId", states.rejectItemId),
          steersPath("$.item.priceId", states.rejectItemId),
        ],
        Default: states.parallelProcessing,
      },
      [states.rejectItemId]: {
        Type: "Fail",
        Error: outcomeErrors.invalidId,
        Cause: "A productId or priceId of the cart is empty, a dot segment, or contains /, \\ or %.",
      },
      [states.malformedItem]: {
        Type: "Fail",
        Error: outcomeErrors.malformedResponse,
        Cause: `An item of the cart Order.CreateOrder returned lacks one of ${Object.keys(itemFields).join(", ")} or has a wrong type.`,
      },
      [states.parallelProcessing]: {
        Type: "Parallel",
        Branches: [
          branch(target, { route: routes.getProduct, pathValues: { productId: "$.item.productId" } }),
          branch(target, {
            route: routes.getPrices,
            pathValues: { priceId: "$.item.priceId" },
            query: { quantity: single(quantity), currency: single("$.currency") },
          }),
          branch(target, {
            route: routes.getPromotions,
            query: {
              cartId: single("$.cartId"),
              productId: single("$.item.productId"),
              priceId: single("$.item.priceId"),
              quantity: single(quantity),
            },
          }),
          branch(target, { route: routes.getCustomer, pathValues: { customerId: "$.customerId" } }),
        ],
        Next: states.checkLine,
      },
      [states.checkLine]: {
        Type: "Choice",
        Choices: lineCalls.flatMap(({ route, body, fields }) =>
          malformedRules(body, fields, malformedResponseState(route.operation)),
        ),
        Default: states.priceLine,
      },
      ...Object.fromEntries(
        lineCalls.map(({ route, fields }) => [
          malformedResponseState(route.operation),
          {
            Type: "Fail",
            Error: outcomeErrors.malformedResponse,
            Cause: malformedResponseCause(route.operation, fields),
          },
        ]),
      ),
      [states.priceLine]: {
        Type: "Pass",
        Parameters: {
          "productId.$": `${bodies.product}.productId`,
          "productName.$": `${bodies.product}.name`,
          "taxCode.$": `${bodies.product}.taxCode`,
          "quantity.$": `${bodies.price}.quantity`,
          "currency.$": `${bodies.price}.currency`,
          "unitAmount.$": `${bodies.price}.unitAmount`,
          "lineAmount.$": `${bodies.price}.lineAmount`,
          "promotionCodes.$": `${bodies.promotions}.promotionCodes`,
          "discountAmount.$": `${bodies.promotions}.discountAmount`,
          "taxRegion.$": `${bodies.customer}.taxRegion`,
          // JSONPath has no arithmetic: the tax service totals the lines from these compact triples.
          "taxLine.$": `States.Format('{}:{}:{}', ${bodies.product}.taxCode, ${bodies.price}.lineAmount, ${bodies.promotions}.discountAmount)`,
        },
        End: true,
      },
    },
  };
}

export interface PricingOptions {
  /** Where the checked cart is in the state: `cartId` and `items` under it. */
  readonly cartPath: string;
  /** Cart items priced at once by the Map. */
  readonly mapMaxConcurrency: number;
  /** The state after the tax call's answer was checked. */
  readonly next: string;
}

/**
 * The Map that prices every item (lines at `$.lines`), then `Tax.GetTaxes` (checked totals at
 * `$.totals`). A failure of either goes to its `Record <state> Failure`, which the definition
 * holding these states provides, with `{Error, Cause}` at `$.caught`.
 */
export function pricingStates(target: ApiTarget, options: PricingOptions): Record<string, AslState> {
  const { cartPath } = options;
  const taxes = routes.getTaxes.operation;
  return {
    [states.forEachProduct]: {
      Type: "Map",
      // The cart the order service created and checked, not the raw input.
      ItemsPath: `${cartPath}.items`,
      // The whole item: a path into it would raise States.Runtime on an item that lacks the field.
      ItemSelector: {
        "cartId.$": `${cartPath}.cartId`,
        "customerId.$": "$.customerId",
        // The pricing service refuses a price in another currency than the order's.
        "currency.$": "$.currency",
        "item.$": "$$.Map.Item.Value",
      },
      MaxConcurrency: options.mapMaxConcurrency,
      ItemProcessor: priceItem(target),
      ResultPath: "$.lines",
      Catch: [
        {
          ErrorEquals: ["States.ALL"],
          ResultPath: "$.caught",
          Next: recordFailureState(states.forEachProduct),
        },
      ],
      Next: taxes,
    },
    [taxes]: apiGatewayTask(target, {
      route: routes.getTaxes,
      query: {
        cartId: single(`${cartPath}.cartId`),
        currency: single("$.currency"),
        region: single("$.lines[0].taxRegion"),
        line: "$.lines[*].taxLine",
      },
      resultPath: "$.totals",
      next: checkResponseState(taxes),
      onError: { next: recordFailureState(taxes), resultPath: "$.caught" },
    }),
    ...checkedResult({
      task: taxes,
      bodyPath: "$.totals.body",
      fields: responseFields.getTaxes,
      resultPath: "$.totals",
      next: options.next,
      onMalformed: recordFailureState(taxes),
    }),
  };
}
