import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { jsonItems } from './run-node';

/** 30 demo contacts named `${tag} n`; items 4, 15 and 27 are bad in three different ways. */
export function contactsWithThreeBad(tag: string): INodeExecutionData[] {
	const items = Array.from({ length: 30 }, (_, n) => ({ Name: `${tag} ${n}`, Score: n, Status: 'Lead' }) as IDataObject);
	items[4] = { Name: `${tag} 4`, Score: 'forty' };
	items[15] = { Name: `${tag} 15`, Stauts: 'Lead' };
	items[27] = { Name: `${tag} 27`, Status: 'Prospect' };
	return jsonItems(...items);
}
