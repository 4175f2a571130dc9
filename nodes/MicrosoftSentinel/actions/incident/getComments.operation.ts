import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { shapeComment, shapeWorkspace } from '../../../shared/sentinel/incidentShape';
import { forOperations } from '../../descriptions/common';
import { listAllComments } from '../../helpers/listComments';
import { resolveIncident } from '../../helpers/target';

export const description: INodeProperties[] = forOperations(['getComments'], []);

/** One item per comment, oldest first (an incident has at most 100). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const target = await resolveIncident(this, itemIndex);
	const comments = await listAllComments(target);
	return comments.map((comment) => ({
		incidentName: target.incidentName,
		workspace: shapeWorkspace(target.workspace),
		...shapeComment(comment),
		raw: comment as unknown as IDataObject,
	}));
}
