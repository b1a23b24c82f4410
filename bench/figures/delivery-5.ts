import { deliveryThroughput } from '../lib/delivery-throughput.js';
import { type Measure, sized } from '../lib/figure.js';

/** Deliveries per second to five flows of one mailbox: one payload built per change, five POSTs. */
export const measure: Measure = (effort) => deliveryThroughput(effort, 5, sized(effort, 1_000, 20));
