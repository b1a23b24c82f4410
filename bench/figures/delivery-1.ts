import { deliveryThroughput } from '../lib/delivery-throughput.js';
import { type Measure, sized } from '../lib/figure.js';

/** Deliveries per second to one flow. */
export const measure: Measure = (effort) => deliveryThroughput(effort, 1, sized(effort, 2_000, 50));
