/**
 * The pricing child of pricingFanOut "express": an EXPRESS state machine that checks the cart
 * Order.CreateOrder returned, prices every item and taxes the cart, all reads, so the order's
 * Standard workflow pays for one Task instead of eight transitions per item. Its output is the
 * priced cart; a failure ends it with `Order.PricingFailed` and a Cause that is the JSON of what
 * the order's OrderFailed must say, so both modes announce a failure alike
 * (docs/pricing-fan-out.md).
 */
import type { ApiTarget } from "./apiGatewayTask";
import type { AslDefinition, AslState } from "./asl";
import { malformedResponseCause } from "./checkedResult";
import { malformedRules, steersPath } from "./choiceRules";
import { pricingTimeoutSeconds } from "../config/limits";
import { outcomeErrors, pricingFailedError } from "./outcomes";
import { pricingStates } from "./pricingStates";
import { responseFields } from "./responses";
import { routes } from "../routes";
import { malformedResponseState, recordFailureState, states } from "./stateNames";

export interface PricingDefinitionSettings extends ApiTarget {
  readonly mapMaxConcurrency: number;
  readonly maxCartItems: number;
}

/** Where the child finds the order service's answer to POST /carts in its input (the order's state). */
export const createdCartPath = "$.order.body";

/** The failure the child encodes as its Cause: what the order's OrderFailed reports. */
export interface PricingFailure {
  readonly failedState: string;
  /** null when the cart Order.CreateOrder answered with is not usable. */
  readonly cartId: string | null;
  readonly error: string;
  readonly cause: string;
}

/** A Pass that records a caught `{Error, Cause}` as the failure of `failed`, then encodes it. */
function recordFailure(failed: string): AslState {
  return {
    Type: "Pass",
    Parameters: {
      failedState: failed,
      "cartId.$": `${createdCartPath}.cartId`,
      "error.$": "$.caught.Error",
      "cause.$": "$.caught.Cause",
    },
    ResultPath: "$.failure",
    Next: states.encodePricingFailure,
  };
}

export function buildPricingDefinition(settings: PricingDefinitionSettings): AslDefinition {
  const target: ApiTarget = { endpoint: settings.endpoint, stage: settings.stage };
  const create = routes.createOrder.operation;
  const taxes = routes.getTaxes.operation;
  return {
    Comment:
      "Order pricing: check the created cart, price each product (product, price, promotions, customer), tax the cart.",
    QueryLanguage: "JSONPath",
    StartAt: states.checkCart,
    TimeoutSeconds: pricingTimeoutSeconds(settings),
    States: {
      // The order's definition does not read the answer to POST /carts: this child checks it, once.
      [states.checkCart]: {
        Type: "Choice",
        Choices: [
          ...malformedRules(createdCartPath, responseFields.createOrder, malformedResponseState(create)),
          steersPath(`${createdCartPath}.cartId`, malformedResponseState(create)),
        ],
        Default: states.forEachProduct,
      },
      [malformedResponseState(create)]: {
        Type: "Pass",
        Parameters: {
          failedState: create,
          cartId: null,
          error: outcomeErrors.malformedResponse,
          cause: malformedResponseCause(create, responseFields.createOrder),
        },
        ResultPath: "$.failure",
        Next: states.encodePricingFailure,
      },
      ...pricingStates(target, {
        cartPath: createdCartPath,
        mapMaxConcurrency: settings.mapMaxConcurrency,
        next: states.pricedCart,
      }),
      [recordFailureState(states.forEachProduct)]: recordFailure(states.forEachProduct),
      [recordFailureState(taxes)]: recordFailure(taxes),
      [states.pricedCart]: {
        Type: "Pass",
        Parameters: {
          "cartId.$": `${createdCartPath}.cartId`,
          "lines.$": "$.lines",
          "totals.$": "$.totals",
        },
        End: true,
      },
      [states.encodePricingFailure]: {
        Type: "Pass",
        Parameters: { "cause.$": "States.JsonToString($.failure)" },
        Next: states.pricingFailed,
      },
      [states.pricingFailed]: { Type: "Fail", Error: pricingFailedError, CausePath: "$.cause" },
    },
  };
}
