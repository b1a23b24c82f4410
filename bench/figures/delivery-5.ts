import { deliveryThroughput } from '../lib/delivery-throughput.js';
import type { Measure } from '../lib/figure.js';

/** Deliveries per second to five flows of one mailbox: one payload built per change, five POSTs. */
export const measure: Measure = () => deliveryThroughput(5, 1_000);
