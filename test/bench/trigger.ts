import type { Options } from './bench';

export interface TriggerRow {
	scenario: string;
	changes: number;
	delivered: number;
	duplicates: number;
	inOrder: boolean;
	p50Ms?: number;
	p95Ms?: number;
	drainS?: number;
	requests: number;
}

export async function triggerBench(options: Options): Promise<{ how: string; rows: TriggerRow[] }> {
	return { how: options.quick ? "not run" : "not run", rows: [] };
}
