/**
 * The local order API's data: a small coffee shop, fixed so every run (and every test) prices the
 * same order the same way. Amounts are integer minor units (cents).
 */

export interface Product {
  readonly productId: string;
  readonly name: string;
  readonly taxCode: string;
}

export interface Price {
  readonly priceId: string;
  readonly productId: string;
  readonly currency: string;
  readonly unitAmount: number;
}

/** A percentage off the line, from a minimum quantity. */
export interface Promotion {
  readonly code: string;
  readonly productId: string;
  readonly minQuantity: number;
  readonly percentOff: number;
}

export interface Customer {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  readonly taxRegion: string;
}

export interface Seed {
  readonly products: readonly Product[];
  readonly prices: readonly Price[];
  readonly promotions: readonly Promotion[];
  readonly customers: readonly Customer[];
  /** Tax region to tax code to rate in basis points (1900 = 19 %). */
  readonly taxRates: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export const seed: Seed = {
  products: [
    { productId: "prod-espresso-machine", name: "Espresso machine", taxCode: "standard" },
    { productId: "prod-grinder", name: "Burr grinder", taxCode: "standard" },
    { productId: "prod-beans", name: "Coffee beans 1 kg", taxCode: "food" },
    { productId: "prod-mug", name: "Stoneware mug", taxCode: "standard" },
    { productId: "prod-filters", name: "Paper filters (100)", taxCode: "standard" },
    { productId: "prod-handbook", name: "Barista handbook", taxCode: "books" },
  ],
  prices: [
    {
      priceId: "price-espresso-machine-eur",
      productId: "prod-espresso-machine",
      currency: "EUR",
      unitAmount: 34900,
    },
    { priceId: "price-grinder-eur", productId: "prod-grinder", currency: "EUR", unitAmount: 12950 },
    { priceId: "price-beans-eur", productId: "prod-beans", currency: "EUR", unitAmount: 2400 },
    { priceId: "price-mug-eur", productId: "prod-mug", currency: "EUR", unitAmount: 1299 },
    { priceId: "price-filters-eur", productId: "prod-filters", currency: "EUR", unitAmount: 450 },
    { priceId: "price-handbook-eur", productId: "prod-handbook", currency: "EUR", unitAmount: 2995 },
    // The one price in another currency: an EUR order that names it is refused by the pricing service.
    { priceId: "price-mug-usd", productId: "prod-mug", currency: "USD", unitAmount: 1499 },
  ],
  promotions: [
    { code: "BEANS-3-FOR-10", productId: "prod-beans", minQuantity: 3, percentOff: 10 },
    { code: "MUGS-25", productId: "prod-mug", minQuantity: 1, percentOff: 25 },
  ],
  customers: [
    { customerId: "cust-1001", name: "Ada Example", email: "ada@example.com", taxRegion: "DE" },
    { customerId: "cust-1002", name: "Blaise Example", email: "blaise@example.com", taxRegion: "FR" },
  ],
  taxRates: {
    DE: { standard: 1900, food: 700, books: 700 },
    FR: { standard: 2000, food: 550, books: 550 },
  },
};

/** An order of `size` lines in EUR for the first customer, cycling through the seeded EUR prices. */
export function orderOfSize(size: number, customerId = seed.customers[0].customerId) {
  const currency = "EUR";
  const prices = seed.prices.filter((price) => price.currency === currency);
  return {
    customerId,
    currency,
    items: Array.from({ length: size }, (_, index) => {
      const price = prices[index % prices.length];
      return { productId: price.productId, priceId: price.priceId, quantity: 1 + (index % 3) };
    }),
  };
}
