import { z } from 'zod';

/** Names of the disk and instances by id, for people (cards, lists, Home); the cloud gets the ids. */
export const namesSchema = z.record(z.string(), z.string()).optional();
