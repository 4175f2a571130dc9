import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { addComment, commentProperties } from '../incident/addComment.operation';

export const description = commentProperties('alert');

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return addComment(this, itemIndex, 'alert');
}
