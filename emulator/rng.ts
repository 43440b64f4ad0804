/**
 * Seedable PRNG (mulberry32). Fault injection draws from it so a drill with the same seed
 * and the same request sequence fails the same requests every time.
 */
export class SeededRandom {
	private state: number;

	constructor(seed: number) {
		this.state = seed >>> 0;
	}

	next(): number {
		this.state = (this.state + 0x6d2b79f5) >>> 0;
		let t = this.state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	between(min: number, max: number): number {
		return min + (max - min) * this.next();
	}
}
