import { resetThrottleRegistry, resolveLimits, Throttle, WindowLimiter } from '../../nodes/client/throttle';

afterEach(() => resetThrottleRegistry());

async function startNow(throttle: Throttle, baseId: string): Promise<number> {
	const passage = await throttle.pass(baseId);
	passage.start();
	return Date.now();
}

describe('learning a wider margin after a 429', () => {
	it('widens a limiter step by step up to a cap', () => {
		const limiter = new WindowLimiter({ requests: 5, perMs: 1000 }, 40);
		const seen = [limiter.windowMs];
		for (let i = 0; i < 5; i++) {
			limiter.widenMargin();
			seen.push(limiter.windowMs);
		}
		expect(seen).toEqual([1040, 1100, 1160, 1280, 1290, 1290]);
	});

	it('keeps the learned margin when a client reconfigures the shared limiter', () => {
		const limiter = new WindowLimiter({ requests: 5, perMs: 1000 }, 40);
		limiter.widenMargin();
		limiter.configure({ requests: 5, perMs: 1000 }, 40);
		expect(limiter.windowMs).toBe(1100);
	});

	it('spaces the windows of a base wider after that base met a 429', async () => {
		const limits = resolveLimits({
			perBase: { requests: 2, perMs: 150 },
			perToken: { requests: 100, perMs: 150 },
			windowMarginMs: 0,
			rateLimitHoldMs: 1,
		});
		const throttle = new Throttle('learning-spacing', limits);
		const before = [await startNow(throttle, 'appA'), await startNow(throttle, 'appA'), await startNow(throttle, 'appA')];
		throttle.holdAfterRateLimit('appA');
		await new Promise((resolve) => setTimeout(resolve, 400));
		const after = [await startNow(throttle, 'appA'), await startNow(throttle, 'appA'), await startNow(throttle, 'appA')];
		// The third start waits for the first one's slot: one window before, window + 60 ms after.
		expect(before[2] - before[0]).toBeLessThan(150 + 40);
		expect(after[2] - after[0]).toBeGreaterThanOrEqual(150 + 60 - 5);
	});
});

describe('which limiter a 429 holds', () => {
	const limits = resolveLimits({
		perBase: { requests: 10, perMs: 200 },
		perToken: { requests: 5, perMs: 200 },
		windowMarginMs: 0,
		rateLimitHoldMs: 600,
	});

	it('holds only the base when the token window had room', async () => {
		const throttle = new Throttle('token-room', limits);
		await startNow(throttle, 'appBusy');
		throttle.holdAfterRateLimit('appBusy');
		const asked = Date.now();
		await startNow(throttle, 'appOther');
		expect(Date.now() - asked).toBeLessThan(200);
	});

	it('holds the token too when its window was nearly full: other bases wait out the lock-out', async () => {
		const throttle = new Throttle('token-full', limits);
		for (const base of ['appA', 'appB', 'appC', 'appD', 'appE']) await startNow(throttle, base);
		throttle.holdAfterRateLimit('appA');
		const asked = Date.now();
		await startNow(throttle, 'appOther');
		expect(Date.now() - asked).toBeGreaterThanOrEqual(600 - 10);
	});
});
