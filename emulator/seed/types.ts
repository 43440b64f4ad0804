/**
 * JSON seed format: what `seed` options, `POST /_emulator/bases` and `--state` files contain.
 * Ids are optional (generated when absent); fields, views and records may refer to fields by
 * name or id. Exported state uses the same format with every id filled in.
 */
export interface SeedChoice {
	id?: string;
	name: string;
	color?: string;
}

export interface SeedField {
	id?: string;
	name: string;
	type: string;
	description?: string;
	/**
	 * Type options as in the metadata API, plus seed conveniences: `choices` may be plain names;
	 * links may give `linkedTable` (name or id), `inverseName` and `inverseId` instead of ids
	 * (`inverseName: false` = one-way link); `recordLinkField`,
	 * `fieldInLinkedTable` and `referencedFields` may use names.
	 */
	options?: Record<string, unknown>;
}

export interface SeedView {
	id?: string;
	name: string;
	type?: string;
	filterByFormula?: string;
	sort?: Array<{ field: string; direction?: 'asc' | 'desc' }>;
	visibleFields?: string[];
}

export interface SeedRecord {
	id?: string;
	createdTime?: string;
	lastModifiedTime?: string;
	fields: Record<string, unknown>;
}

export interface SeedTable {
	id?: string;
	name: string;
	description?: string;
	/** Name or id of the primary field; default the first field. */
	primaryField?: string;
	fields: SeedField[];
	views?: SeedView[];
	records?: SeedRecord[];
}

export interface SeedBase {
	id?: string;
	name: string;
	permissionLevel?: string;
	tables: SeedTable[];
}
