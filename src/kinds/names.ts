import { z } from 'zod';

/** Names of the disk and instances by id, for people (cards, lists, Home); the cloud gets the ids. */
export const namesSchema = z.record(z.string(), z.string()).optional();

/**
 * The partial request this one finishes (set by Retry on a partial result only): what it already
 * did is recognised (an attach's instances, an init's format), and the steps it did not complete
 * run again.
 */
export const finishesSchema = z.string().optional();
