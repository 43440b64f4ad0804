/**
 * ioredis, taken from the n8n installation the package runs in, and only when a credential
 * turns shared limits on. The package has no runtime dependencies (n8n Cloud's rule for
 * verified nodes): n8n itself ships ioredis for queue mode, and n8n puts its own node_modules
 * on the module path of community packages (the way they find n8n-workflow), so an import from
 * here finds n8n's copy. ioredis is a devDependency for the types and the tests only.
 */
import type Redis from 'ioredis';

export type RedisConstructor = typeof Redis;

let loaded: RedisConstructor | undefined;

/** Said when shared limits are on but this n8n has no ioredis to lend. */
export function missingRedisMessage(reason: string): string {
	return (
		'Shared limits are on in the Airtable credential, but ioredis could not be loaded from this n8n installation ' +
		`(${reason}). n8n ships it for queue mode; on an installation without it, run \`npm install ioredis\` where n8n is installed, ` +
		'or turn "Share Limits Across n8n Processes" off in the credential'
	);
}

function reasonOf(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/** Loads ioredis from the host n8n once; rejects with what to do when it is not there. */
export async function loadHostRedis(): Promise<RedisConstructor> {
	if (loaded) return loaded;
	let failure: unknown;
	const module = (await import('ioredis').catch((error: unknown) => {
		failure = error;
		return undefined;
	})) as { default?: RedisConstructor } | undefined;
	const constructor = module?.default ?? (module as unknown as RedisConstructor | undefined);
	if (typeof constructor !== 'function') throw new Error(missingRedisMessage(failure === undefined ? 'it exports no Redis class' : reasonOf(failure)));
	loaded = constructor;
	return constructor;
}

/** The ioredis class loaded by `loadHostRedis` (the Redis stores are built only after it). */
export function hostRedis(): RedisConstructor {
	if (!loaded) throw new Error('ioredis is not loaded yet: await loadHostRedis() before opening a Redis connection');
	return loaded;
}
