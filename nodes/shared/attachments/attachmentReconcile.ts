/**
 * Skip Unchanged for files: which of an item's planned files a record already holds, so that
 * Batch Upsert neither uploads nor links them again.
 */
import { attachmentsIn, type AttachmentCell } from '../../client/attachments/attachments';
import type { PlannedFiles } from './attachmentTypes';

/**
 * Skip Unchanged for files (Batch Upsert): what is left to do for one record, given the cells
 * it already holds. A file counts as already there when the cell has one with the same file
 * name and size (a binary property whose size n8n does not know never matches), a URL when the
 * cell has a file with the name we give it (`fileNameOfUrl`). Every rule errs towards
 * uploading: a needless upload costs one request, a file wrongly taken as present is lost.
 *
 * - Append: files already there are neither uploaded nor linked again.
 * - Replace: when the cell holds exactly the given files, nothing is done; otherwise the cell is
 *   set to the URLs first (`clearFirst`) and every binary file is uploaded into it.
 */
export function filesStillToWrite(plans: PlannedFiles[], fields: Record<string, unknown>): PlannedFiles[] {
	const remaining: PlannedFiles[] = [];
	for (const plan of plans) {
		const unused = [...attachmentsIn(fields[plan.field])];
		const take = (matches: (cell: AttachmentCell) => boolean): boolean => {
			const found = unused.findIndex(matches);
			if (found >= 0) unused.splice(found, 1);
			return found >= 0;
		};
		const uploads = plan.uploads.filter(
			(upload) => !take((cell) => cell.filename === upload.filename && upload.bytes !== undefined && cell.size === upload.bytes),
		);
		const urls = plan.urls.filter(({ url }) => !take((cell) => cell.filename === fileNameOfUrl(url)));
		if (plan.mode === 'append') {
			if (uploads.length || urls.length) remaining.push({ ...plan, uploads, urls });
			continue;
		}
		const exactlyThese = uploads.length === 0 && urls.length === 0 && unused.length === 0;
		if (!exactlyThese) remaining.push({ ...plan, clearFirst: true });
	}
	return remaining;
}

/**
 * The file name we send with a URL (the last path segment, decoded), so Airtable stores that
 * name and a later run can recognise the file; '' when the URL has none.
 */
export function fileNameOfUrl(url: string): string {
	try {
		return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
	} catch {
		return '';
	}
}
