/**
 * Public types of the Airtable client, gathered from the leaves that own them. This file is the
 * contract between the client, the n8n nodes, the emulator tests and the benchmarks: names may
 * be added, not renamed. Modules inside nodes/client import the leaf they need, never this
 * barrel, so no import runs back into it.
 */

export type * from './records/types';
export type * from './transport/types';
export type * from './schema/types';
export type * from './webhooks/types';
export type * from './comments/types';
export type * from './options';
