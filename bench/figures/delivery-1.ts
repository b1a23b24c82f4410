import { deliveryThroughput } from '../lib/delivery-throughput.js';
import type { Measure } from '../lib/figure.js';

/** Deliveries per second to one flow. */
export const measure: Measure = () => deliveryThroughput(1, 2_000);
