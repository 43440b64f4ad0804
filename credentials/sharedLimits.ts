/**
 * The queue-mode fields both credentials carry: a main process and its workers pace one token
 * and its bases together through Redis only when the credential says so. Settings live here,
 * not in the environment (n8n Cloud's rule for verified nodes); nodes read them through
 * nodes/shared/runtime/settings.ts.
 */
import type { INodeProperties } from 'n8n-workflow';

export const sharedLimitsProperties: INodeProperties[] = [
	{
		displayName: 'Share Limits Across n8n Processes',
		name: 'sharedLimits',
		type: 'boolean',
		default: false,
		description:
			"Whether every n8n process (queue mode: the main process and its workers) keeps Airtable's 5 requests/s per base and 50 per token together, through Redis. Leave off for a single n8n process and on n8n Cloud.",
	},
	{
		displayName: 'Redis URL',
		name: 'redisUrl',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		placeholder: 'redis://:password@redis:6379/0',
		displayOptions: { show: { sharedLimits: [true] } },
		description:
			"Usually the Redis of n8n's queue (the host, port, database and password in QUEUE_BULL_REDIS_*). Use rediss:// for TLS.",
	},
];
