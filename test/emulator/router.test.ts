import { matchRoute } from '../../emulator/router';
import { startHarness } from './helpers';

describe('emulator router', () => {
	const routes = [
		{ method: 'POST', pattern: '/v0/:baseId/:table' },
		{ method: 'PATCH', pattern: '/v0/:baseId/:table/:recordId' },
	];

	it('treats a trailing slash like none (airtable.js sends POST /v0/{base}/{table}/)', () => {
		const match = matchRoute(routes, 'POST', '/v0/appX/Items/');
		expect(match).toMatchObject({ route: routes[0], params: { baseId: 'appX', table: 'Items' } });
		expect(matchRoute(routes, 'PATCH', '/v0/appX/Items/')).toBe('method');
		expect(matchRoute(routes, 'PATCH', '/v0/appX/Items/rec1/')).toMatchObject({ params: { recordId: 'rec1' } });
	});

	it('creates records through a trailing-slash path, as airtable.js does', async () => {
		const h = await startHarness();
		try {
			const answer = await h.api('/v0/appDemoCrm0000001/Contacts/', { body: { records: [{ fields: { Name: 'Slash' } }] } });
			expect(answer.status).toBe(200);
			expect(answer.body.records[0].fields.Name).toBe('Slash');
		} finally {
			await h.emu.close();
		}
	});
});
