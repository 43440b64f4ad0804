// Public entry point: the throttled Airtable client, usable outside n8n.
export * from './nodes/client/types';
