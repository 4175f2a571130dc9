import { fetchCommentPage } from '../../shared/sentinel/incidentsApi';
import type { RawComment } from '../../shared/sentinel/types';
import type { Target } from './target';

/** Every comment of the incident, oldest first, following nextLink (same origin only, bounded). */
export async function listAllComments(target: Target): Promise<RawComment[]> {
	const { connection, workspace, incidentName } = target;
	const comments: RawComment[] = [];
	let nextLink: string | undefined;
	let pages = 0;
	do {
		const link = nextLink;
		const page = await connection.call(`read the comments of incident ${incidentName}`, (client) =>
			fetchCommentPage(client, workspace, incidentName, connection.armEndpoint, link),
		);
		comments.push(...page.comments);
		nextLink = page.nextLink;
		pages++;
	} while (nextLink && pages < 50);
	return comments;
}
