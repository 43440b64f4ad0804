import { DEMO_IDS } from '../../emulator';
import { startHarness, type Harness } from './helpers';

describe('demo base attachment', () => {
	let h: Harness;
	beforeAll(async () => (h = await startHarness()));
	afterAll(async () => await h.emu.close());

	it('Contacts has a Files field and Grace’s record carries a PNG the emulator serves', async () => {
		const answer = await h.api(`/v0/appDemoCrm0000001/Contacts/${DEMO_IDS.grace}`);
		const [badge] = answer.body.fields.Files;
		expect(badge).toMatchObject({ id: DEMO_IDS.graceBadge, filename: 'grace-badge.png', type: 'image/png', width: 8, height: 8 });
		expect(badge.size).toBeGreaterThan(100);
		const file = await fetch(badge.url);
		const bytes = Buffer.from(await file.arrayBuffer());
		expect(file.headers.get('content-type')).toBe('image/png');
		expect(bytes.length).toBe(badge.size);
		expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
	});
});
