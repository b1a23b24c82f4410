import { deliveryThroughput } from '../lib/delivery-throughput.js';
import type { Measure } from '../lib/figure.js';

/** Deliveries per second to one flow with 100,000 settled deliveries already in the journal. */
export const measure: Measure = () => deliveryThroughput(1, 2_000, 100_000);
