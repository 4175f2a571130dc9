import type { SecurityInsights } from '@azure/arm-securityinsight';

import { fetchCommentPage } from '../../shared/sentinel/incidentsApi';
import type { RawComment } from '../../shared/sentinel/types';
import type { Target } from './target';

/** How each page request is sent (e.g. through a retry budget); by default as it is. */
export type PageRequest = <T>(action: string, request: (client: SecurityInsights) => Promise<T>) => (client: SecurityInsights) => Promise<T>;

/** Every comment of the incident, oldest first, following nextLink (same origin only, bounded). */
export async function listAllComments(target: Target, wrap: PageRequest = (_action, request) => request): Promise<RawComment[]> {
	const { connection, workspace, incidentName } = target;
	const comments: RawComment[] = [];
	let nextLink: string | undefined;
	let pages = 0;
	do {
		const link = nextLink;
		const action = `read the comments of incident ${incidentName}`;
		const page = await connection.call(action, wrap(action, (client) => fetchCommentPage(client, workspace, incidentName, connection.armEndpoint, link)));
		comments.push(...page.comments);
		nextLink = page.nextLink;
		pages++;
	} while (nextLink && pages < 50);
	return comments;
}
