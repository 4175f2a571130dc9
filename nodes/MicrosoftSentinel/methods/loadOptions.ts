import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { reasonOptions } from '../helpers/classification';

/** The reasons that fit the chosen classification: one for True/Benign Positive, two for False Positive. */
export async function getClassificationReasons(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const classification = this.getCurrentNodeParameter('classification');
	return reasonOptions(typeof classification === 'string' ? classification : undefined);
}
