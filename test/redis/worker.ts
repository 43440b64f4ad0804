/**
 * One "n8n worker" for the shared-limit tests: its own Node process running the client.
 * Config comes in WORKER_CONFIG (JSON); it prints JSON lines (ready, warn, info, done) and
 * starts hammering the base when the parent writes "go" on stdin.
 */
import { AirtableClient, createFetchExecutor, type ClientLimits, type HttpExecutor } from '../../index';
import { loadHostRedis } from '../../nodes/shared/queueMode/hostRedis';
import { closeRedisLimitStores, redisLimitStore } from '../../nodes/shared/queueMode/redisStore';

export interface WorkerConfig {
	apiUrl: string;
	token: string;
	baseId: string;
	table: string;
	/** Shared limits through this Redis; none = in-memory only. */
	redisUrl?: string;
	durationMs: number;
	concurrency: number;
	limits?: Partial<ClientLimits>;
	/**
	 * Every third request leaves this many ms after the limiter let it go (reported through
	 * onDispatch), as inside n8n where the credential is resolved first.
	 */
	dispatchDelayMs?: number;
	/**
	 * Requests dispatched in the run's first 300 ms reach the server this many ms after their
	 * dispatch, as a fresh worker's first burst does while its connections are being set up.
	 */
	firstBurstArrivalDelayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The run starts (the parent said "go"). */
let goAt = Infinity;

/**
 * The fetch executor, with every third request leaving late (dispatchDelayMs), or the first
 * burst arriving late (firstBurstArrivalDelayMs).
 */
function lateExecutor(config: WorkerConfig): HttpExecutor {
	const fetchExecutor = createFetchExecutor({ token: config.token, baseUrl: config.apiUrl });
	let sequence = 0;
	return {
		signalsDispatch: true,
		async send(request) {
			if (config.dispatchDelayMs && ++sequence % 3 === 0) await sleep(config.dispatchDelayMs);
			request.onDispatch?.();
			if (config.firstBurstArrivalDelayMs && Date.now() - goAt < 300) await sleep(config.firstBurstArrivalDelayMs);
			return await fetchExecutor.send(request);
		},
	};
}

export type WorkerEvent =
	| { type: 'ready' }
	| { type: 'warn'; at: number; message: string }
	| { type: 'info'; at: number; message: string }
	| {
			type: 'done';
			ok: number;
			failed: number;
			okTimes: number[];
			errors: string[];
			stats: { requests: number; retries: number; rateLimited: number; throttledMs: number };
	  };

function emit(event: WorkerEvent): void {
	process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function main(): Promise<void> {
	const config = JSON.parse(process.env.WORKER_CONFIG ?? '{}') as WorkerConfig;
	if (config.redisUrl) await loadHostRedis();
	const client = new AirtableClient({
		token: config.token,
		baseUrl: config.apiUrl,
		executor: config.dispatchDelayMs || config.firstBurstArrivalDelayMs ? lateExecutor(config) : undefined,
		limits: config.limits,
		sharedLimits: config.redisUrl
			? redisLimitStore({
					redis: config.redisUrl,
					logger: {
						warn: (message) => emit({ type: 'warn', at: Date.now(), message }),
						info: (message) => emit({ type: 'info', at: Date.now(), message }),
					},
				})
			: undefined,
	});
	const table = client.base(config.baseId).table(config.table);
	// A fresh process's first fetch is slow (undici loads lazily): the request reaches the
	// server ~100 ms after the limiter let it go, more than the window margin. Warm up on an
	// endpoint outside the base's limit, as a long-running n8n worker would be.
	await client.whoami();
	emit({ type: 'ready' });
	await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
	goAt = Date.now();

	const deadline = Date.now() + config.durationMs;
	const okTimes: number[] = [];
	const errors: string[] = [];
	let failed = 0;
	const lane = async () => {
		while (Date.now() < deadline) {
			try {
				await table.list({ maxRecords: 1, pageSize: 1 }).all();
				okTimes.push(Date.now());
			} catch (error) {
				failed++;
				if (errors.length < 5) errors.push(error instanceof Error ? error.message : String(error));
			}
		}
	};
	await Promise.all(Array.from({ length: config.concurrency }, lane));
	closeRedisLimitStores();
	emit({ type: 'done', ok: okTimes.length, failed, okTimes, errors, stats: client.stats() });
}

main().then(
	() => process.stdout.write('', () => process.exit(0)),
	(error: unknown) => {
		process.stderr.write(`worker crashed: ${error instanceof Error ? error.stack : String(error)}\n`);
		process.exit(1);
	},
);
