import { coalesce, resetCoalescing } from '../../../nodes/AirtableInstantTrigger/coalesce';
import { TriggerCoordination } from '../../../nodes/shared/queueMode/triggerCoordination';

/** A promise the test settles by hand: nothing here depends on wall-clock time. */
function gate<T = void>() {
	let open: (value: T) => void = () => {};
	let fail: (error: Error) => void = () => {};
	const promise = new Promise<T>((resolve, reject) => {
		open = resolve;
		fail = reject;
	});
	return { promise, open, fail };
}

const flush = async () => {
	for (let i = 0; i < 10; i++) await Promise.resolve();
};

afterEach(() => resetCoalescing());

describe('TriggerCoordination (in process)', () => {
	it('runs work under one lock name one after another, and under different names side by side', async () => {
		const coordination = new TriggerCoordination(undefined);
		const events: string[] = [];
		const first = gate();
		const a1 = coordination.withLock('node:a', async () => {
			events.push('start a1');
			await first.promise;
			events.push('end a1');
		});
		const a2 = coordination.withLock('node:a', async () => {
			events.push('start a2');
		});
		const b = coordination.withLock('node:b', async () => {
			events.push('start b');
		});
		await flush();
		expect(events).toEqual(['start a1', 'start b']);
		first.open();
		await Promise.all([a1, a2, b]);
		expect(events).toEqual(['start a1', 'start b', 'end a1', 'start a2']);
	});

	it('releases the lock when the work fails', async () => {
		const coordination = new TriggerCoordination(undefined);
		await expect(coordination.withLock('node:x', async () => await Promise.reject(new Error('boom')))).rejects.toThrow('boom');
		await expect(coordination.withLock('node:x', async () => await Promise.resolve('next'))).resolves.toBe('next');
	});

	it('keeps the newest delivered cursor: an older one never moves it back', async () => {
		const coordination = new TriggerCoordination(undefined);
		await coordination.rememberDelivered('achA', 9);
		await coordination.rememberDelivered('achA', 4);
		expect(await coordination.deliveredCursor('achA', 2)).toBe(9);
		expect(await coordination.deliveredCursor('achA', 12)).toBe(12);
		expect(await coordination.deliveredCursor('achOther')).toBe(1);
	});

	it('claims a ping once; a replay is refused until the claim expires or is released', async () => {
		let now = 1_000_000;
		const coordination = new TriggerCoordination(undefined, () => now);
		expect(await coordination.claimPing('achA', 'hmac-sha256=aa')).toBe(true);
		expect(await coordination.claimPing('achA', 'hmac-sha256=aa')).toBe(false);
		expect(await coordination.claimPing('achB', 'hmac-sha256=aa')).toBe(true);
		expect(await coordination.claimPing('achA', 'hmac-sha256=bb')).toBe(true);
		coordination.releasePing('achA', 'hmac-sha256=aa');
		expect(await coordination.claimPing('achA', 'hmac-sha256=aa')).toBe(true);
		now += 16 * 60_000;
		expect(await coordination.claimPing('achA', 'hmac-sha256=aa')).toBe(true);
	});
});

describe('coalesce: pings during a drain share at most one more drain', () => {
	it('20 pings while a drain runs cost exactly one more drain, owned by the first of them', async () => {
		const gates = [gate<string>(), gate<string>()];
		let started = 0;
		const work = async () => await gates[started++].promise;
		const first = coalesce('achW', work);
		const during = Array.from({ length: 20 }, () => coalesce('achW', work));
		expect(started).toBe(1);
		expect(first.leader).toBe(true);
		expect(during.map((run) => run.leader)).toEqual([true, ...Array(19).fill(false)]);

		gates[0].open('first drain');
		await expect(first.result).resolves.toBe('first drain');
		await flush();
		expect(started).toBe(2);
		gates[1].open('follow-up drain');
		const results = await Promise.all(during.map((run) => run.result));
		expect(new Set(results)).toEqual(new Set(['follow-up drain']));
		expect(started).toBe(2);
	});

	it('a ping after everything settled starts a fresh drain; a failed drain does not block the follow-up', async () => {
		const failing = gate<string>();
		const first = coalesce('achF', async () => await failing.promise);
		const second = coalesce('achF', async () => await Promise.resolve('second'));
		failing.fail(new Error('429'));
		await expect(first.result).rejects.toThrow('429');
		await expect(second.result).resolves.toBe('second');
		const third = coalesce('achF', async () => await Promise.resolve('third'));
		expect(third.leader).toBe(true);
		await expect(third.result).resolves.toBe('third');
	});
});
