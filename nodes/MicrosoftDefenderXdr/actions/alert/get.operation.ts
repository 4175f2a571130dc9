import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DefenderApi, paths } from '../../helpers/api';
import { defenderSession, targetId } from '../../helpers/target';

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const id = targetId(this, itemIndex, 'alert');
	const api = new DefenderApi(this, await defenderSession(this, itemIndex), itemIndex);
	const alert = await api.request(
		{ method: 'GET', path: paths.alert(id) },
		{ action: `read Defender XDR alert ${id}`, permission: 'SecurityAlert.Read.All', target: { kind: 'alert', id } },
	);
	return [alert];
}
