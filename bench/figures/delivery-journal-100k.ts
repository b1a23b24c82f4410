import { deliveryThroughput } from '../lib/delivery-throughput.js';
import { type Measure, sized } from '../lib/figure.js';

/** Deliveries per second to one flow with 100,000 settled deliveries already in the journal. */
export const measure: Measure = (effort) =>
  deliveryThroughput(effort, 1, sized(effort, 2_000, 50), sized(effort, 100_000, 1_000));
