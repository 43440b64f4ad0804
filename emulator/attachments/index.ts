/**
 * The emulator's attachment entry points: the upload route, file serving, and signing attachment
 * URLs in answers.
 */

import type { IncomingMessage, ServerResponse } from 'http';
import type { ApiResponse, CallInfo } from '../http';
import type { Route } from '../router';
import type { EmulatorApp } from '../state';
import { FILES_PREFIX, presentFileUrls, requestOrigin, serveFile } from './files';
import { attachmentCell, isUploadPath, MAX_UPLOAD_BODY_BYTES, uploadAttachment } from './upload';
import { settleUrlAttachments } from './urlAttachments';

export { filesOf, FILE_URL_LIFETIME_MS } from './files';

/** The upload route; the API port serves it (see the README: how the content host maps). */
export const attachmentRoutes: Route[] = [
	{
		method: 'POST',
		pattern: '/v0/:baseId/:recordId/:field/uploadAttachment',
		endpoint: 'attachments.upload',
		scope: 'data.records:write',
		baseParam: 'baseId',
		write: true,
		handler: uploadAttachment,
	},
];

/** Largest request body the server reads for a path: uploads carry up to 5 MB as base64. */
export function maxBodyBytesFor(pathname: string, defaultBytes: number): number {
	return isUploadPath(pathname) ? MAX_UPLOAD_BODY_BYTES : defaultBytes;
}

/** Serves `/_files/…` when the request is for a file; false when it is not. */
export function handleFileRequest(app: EmulatorApp, url: URL, res: ServerResponse): boolean {
	if (!url.pathname.startsWith(`${FILES_PREFIX}/`)) return false;
	serveFile(app, url, res);
	return true;
}

/** Applied to every API answer: URL attachments are settled, file URLs signed as of now. */
export function presentAttachments(app: EmulatorApp, req: IncomingMessage, call: CallInfo, response: ApiResponse): ApiResponse {
	if (response.status < 200 || response.status >= 300 || response.body === undefined || typeof response.body !== 'object') return response;
	if (call.write) settleUrlAttachments(app, call.baseId, response.body);
	return { ...response, body: presentFileUrls(app, response.body, requestOrigin(req, app), attachmentCell) };
}
