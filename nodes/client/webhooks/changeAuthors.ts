/**
 * Who made a change, as a webhook payload tells it (`actionMetadata.source` and the acting
 * user in `sourceMetadata.user`), and whether a trigger ignores it. This is what breaks the
 * loop of a two-way sync: a workflow's own writes come back as `publicApi` changes by the
 * credential's user, so "ignore this credential" drops exactly those, while a person's edit
 * in the app (`client`, possibly by the same user) and other integrations' API writes (other
 * users) still count.
 */
import type { WebhookPayload } from './types';

export interface IgnoreRule {
	/** The user behind this credential (whoami): their API changes are ignored. */
	ownUserId?: string;
	/** Changes by these users are ignored, whatever their source: user ids (usr…) or emails. */
	users?: string[];
	/** Changes from these sources are ignored (`automation`, `sync`, …; `unknown` for none given). */
	sources?: string[];
}

/** Why a payload is ignored: its changes were made by this credential, an ignored user, or an ignored source. */
export type IgnoredAs = 'own' | 'user' | 'source';

/** The rule says nothing: no payload is ignored and no whoami is needed. */
export function ignoresNothing(rule: IgnoreRule): boolean {
	return !rule.ownUserId && !rule.users?.length && !rule.sources?.length;
}

export function ignoredAs(payload: WebhookPayload, rule: IgnoreRule): IgnoredAs | undefined {
	const source = payload.actionMetadata?.source ?? 'unknown';
	const user = payload.actionMetadata?.sourceMetadata?.user;
	if (rule.ownUserId && source === 'publicApi' && user?.id === rule.ownUserId) return 'own';
	if (user && rule.users?.length) {
		const email = user.email?.toLowerCase();
		if (rule.users.some((entry) => entry === user.id || (email !== undefined && entry.toLowerCase() === email))) return 'user';
	}
	if (rule.sources?.includes(source)) return 'source';
	return undefined;
}

/** How many record changes a payload carries (what an ignored payload would have emitted). */
export function recordChangeCount(payload: WebhookPayload): Map<string, number> {
	const counts = new Map<string, number>();
	for (const [tableId, changes] of Object.entries(payload.changedTablesById ?? {})) {
		const count =
			Object.keys(changes.createdRecordsById ?? {}).length +
			Object.keys(changes.changedRecordsById ?? {}).length +
			(changes.destroyedRecordIds?.length ?? 0);
		if (count) counts.set(tableId, count);
	}
	return counts;
}
