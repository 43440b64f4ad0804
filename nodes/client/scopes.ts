/**
 * Airtable answers a token that lacks a scope with the same 403 as a base or table it cannot see
 * (INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND): it never says which scope is missing. Calls that need
 * a scope beyond the record scopes (schema writes, comments) turn that 403 into an error that
 * names the scope, so the user knows which box to tick on the token or the OAuth integration.
 */
import { AirtableError, AirtablePermissionError, type AirtableErrorDetails } from './errors';

/** A 403 on a call that needs `scope`: the message says which scope and which role to check. */
export class AirtableScopeError extends AirtableError {
	readonly scope: string;

	constructor(scope: string, details: AirtableErrorDetails) {
		super(
			'configuration-invalid',
			`Airtable refused this (403): the token needs the scope ${scope} (add it to the personal access token, ` +
				`or to the OAuth2 credential's Scope and reconnect), the user needs a role on the base that allows it` +
				`${scope.startsWith('schema.') ? ' (creator for schema changes)' : ''}, and the base and table must exist`,
			details,
		);
		this.scope = scope;
	}
}

/** `error` unchanged unless it is a 403 from Airtable; then the same error naming `scope`. */
export function withScopeHint(error: unknown, scope: string): unknown {
	if (!(error instanceof AirtablePermissionError)) return error;
	return new AirtableScopeError(scope, {
		status: error.status,
		type: error.type,
		airtableMessage: error.airtableMessage,
		baseId: error.baseId,
		table: error.table,
		operation: error.operation,
		retries: error.retries,
		itemIndexes: error.itemIndexes,
	});
}
