import type { Options } from './bench';

export interface ResyncRow {
	records: number;
	changed: number;
	writeRequests: number;
	writeRequestsPerRecord: number;
	totalRequests: number;
	wallS: number;
	rateLimited: number;
	unchangedReported: number;
}

export async function resyncBench(options: Options): Promise<{ how: string; rows: ResyncRow[] }> {
	return { how: options.quick ? "not run" : "not run", rows: [] };
}
