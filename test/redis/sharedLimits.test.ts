import { startEmulator, DEMO_BASE_ID, DEMO_TOKEN, type LogEntry, type RunningEmulator } from '../../emulator';
import { maxInAnyWindow, runWorkers, type WorkerRun } from './workers';
import { startRedis, type RedisServer } from './redisServer';

/**
 * Three separate Node processes (n8n queue-mode workers) hammer one base through the client,
 * sharing the limits through a real redis-server, against the emulator's real limits.
 */
jest.setTimeout(60_000);

const PER_BASE = { requests: 5, perMs: 1000 };
const WORKERS = 3;

let redis: RedisServer;
let emu: RunningEmulator;

beforeAll(async () => {
	redis = await startRedis();
});

afterAll(async () => {
	await redis?.stop();
});

afterEach(async () => {
	await emu?.close();
});

async function emulator(lockoutMs: number): Promise<RunningEmulator> {
	emu = await startEmulator({
		limits: { enabled: true, perBase: PER_BASE, perToken: { requests: 50, perMs: 1000 }, lockoutMs },
	});
	return emu;
}

function baseLog(since = 0): LogEntry[] {
	return emu.state.metrics.snapshot({ since }).log.filter((e) => e.baseId === DEMO_BASE_ID);
}

function workerConfig(extra: { durationMs: number; limits?: object }) {
	return {
		apiUrl: emu.url,
		token: DEMO_TOKEN,
		baseId: DEMO_BASE_ID,
		table: 'Contacts',
		redisUrl: redis.url,
		concurrency: 4,
		...extra,
	};
}

async function finish(workers: WorkerRun[]) {
	const codes = await Promise.all(workers.map((w) => w.exit));
	for (const w of workers) expect(w.stderr).toBe('');
	expect(codes).toEqual(workers.map(() => 0));
	return workers.map((w) => {
		const done = w.done();
		if (!done) throw new Error('worker ended without a report');
		return done;
	});
}

/**
 * Sustained rate: m requests (a whole number of windows' worth) started within the time
 * from the first request to the (m+1)-th. A limiter running exactly at the ceiling scores 5,
 * whether it sends in bursts of 5 or one every 200 ms; a trailing partial burst is not counted.
 */
function rate(entries: LogEntry[]): number {
	const times = entries.map((e) => e.timeMs).sort((a, b) => a - b);
	const m = Math.floor((times.length - 1) / PER_BASE.requests) * PER_BASE.requests;
	return (m * 1000) / (times[m] - times[0]);
}

it('three processes together stay at <= 5 req/s per base with no 429, at >= 90 % of the ceiling', async () => {
	await emulator(30_000);
	const { workers } = await runWorkers(WORKERS, workerConfig({ durationMs: 6000 }));
	const reports = await finish(workers);

	const log = baseLog();
	const statuses = log.map((e) => e.status);
	expect(statuses.filter((s) => s === 429)).toHaveLength(0);
	expect(emu.state.metrics.snapshot().rateLimited).toBe(0);
	expect(maxInAnyWindow(log.map((e) => e.timeMs), PER_BASE.perMs)).toBeLessThanOrEqual(PER_BASE.requests);
	// Every process got its share (nobody starved), and together they used the ceiling.
	for (const report of reports) expect(report.ok).toBeGreaterThan(5);
	expect(reports.reduce((sum, r) => sum + r.ok, 0)).toBe(log.length);
	const measured = rate(log);
	process.stdout.write(`shared limit: ${log.length} requests, ${measured.toFixed(2)} req/s, per worker ${reports.map((r) => r.ok).join('/')}\n`);
	expect(measured).toBeGreaterThanOrEqual(0.9 * PER_BASE.requests);
	expect(measured).toBeLessThanOrEqual(PER_BASE.requests);
	for (const w of workers) expect(w.warnings()).toEqual([]);
});
