/**
 * What the diff sync needs of a table: its ids, a list and the settled upsert and delete.
 * `TableHandle` has all of it; the sync names only this much, so records/ can offer
 * `table.sync` without the two importing each other.
 */
import type {
	DeletedRecord,
	Fields,
	ListOptions,
	RecordQuery,
	SettledResult,
	UpsertOptions,
	UpsertSettledValue,
} from '../records/types';

export interface SyncTable {
	readonly baseId: string;
	readonly table: string;
	list(options?: ListOptions): RecordQuery;
	upsertSettled(fieldsList: Fields[], options: UpsertOptions): Promise<Array<SettledResult<UpsertSettledValue>>>;
	deleteSettled(ids: string[]): Promise<Array<SettledResult<DeletedRecord>>>;
}
