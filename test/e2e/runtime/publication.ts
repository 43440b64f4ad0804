import type { N8nApi } from './api';

interface PublicationStatus {
	status: 'in_progress' | 'not_published' | 'published' | 'partial' | 'failed';
	triggers: Array<{ nodeId: string; status: string; errorMessage?: string | null }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * n8n 2.41 publishes through an outbox: `POST /publish` stores the request and returns, and a
 * background consumer registers the triggers' webhooks afterwards (until then their URLs answer
 * 404). Waits for the editor's publication status to settle instead of sleeping.
 */
export async function waitUntilPublished(api: N8nApi, workflowId: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	let last: PublicationStatus | undefined;
	while (Date.now() < deadline) {
		last = await api.rest<PublicationStatus>('GET', `/workflows/${workflowId}/publication-status`);
		if (last.status === 'published') return;
		if (last.status === 'failed' || last.status === 'partial') {
			throw new Error(`Publishing workflow ${workflowId} failed: ${JSON.stringify(last.triggers)}`);
		}
		await sleep(200);
	}
	throw new Error(`Workflow ${workflowId} not published after ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
