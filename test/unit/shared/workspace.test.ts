import { parseWorkspaceLocator, parseWorkspaceUrl, WORKSPACE_ID_REGEX } from '../../../nodes/shared/azure/workspace';

const SUB = '6b1ceacd-5731-4780-8f96-2078dd96fd96';
const ID = `/subscriptions/${SUB}/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-ws`;
const expected = { subscriptionId: SUB, resourceGroup: 'soc-rg', workspaceName: 'soc-ws', armId: ID };

describe('workspace references', () => {
	it.each([
		['an ARM ID', { mode: 'id', value: ID }],
		['an ARM ID with a trailing slash', { mode: 'id', value: `${ID}/` }],
		['a lower-case resourcegroups segment', { mode: 'id', value: ID.replace('resourceGroups', 'resourcegroups') }],
		['a list value', { mode: 'list', value: ID }],
		['an Azure portal resource URL', { mode: 'url', value: `https://portal.azure.com/#@contoso.onmicrosoft.com/resource${ID}/overview` }],
		[
			'a Sentinel blade URL with the ID encoded',
			{ mode: 'url', value: `https://portal.azure.com/#view/Microsoft_Azure_Security_Insights/MainMenuBlade/~/0/id/${encodeURIComponent(ID)}` },
		],
		['a doubly encoded ID', { mode: 'url', value: `https://portal.azure.com/#blade/x/id/${encodeURIComponent(encodeURIComponent(ID))}` }],
		['a Defender portal URL', { mode: 'url', value: `https://security.microsoft.com/sentinel/incidents?tid=t&sid=${SUB}&rg=soc-rg&ws=soc-ws` }],
	])('reads %s', (_label, locator) => {
		expect(parseWorkspaceLocator(locator)).toEqual(expected);
	});

	it.each([
		['an empty value', { mode: 'id', value: '' }],
		['a non-GUID subscription', { mode: 'id', value: ID.replace(SUB, 'not-a-guid') }],
		['another resource type', { mode: 'id', value: ID.replace('OperationalInsights', 'Storage') }],
		['a portal home URL', { mode: 'url', value: 'https://portal.azure.com/#home' }],
		['a path-traversal workspace name', { mode: 'url', value: `https://security.microsoft.com/x?sid=${SUB}&rg=soc-rg&ws=../../x` }],
	])('rejects %s', (_label, locator) => {
		expect(parseWorkspaceLocator(locator)).toBeUndefined();
	});

	it('keeps the regex of the locator description in line with the parser', () => {
		expect(new RegExp(WORKSPACE_ID_REGEX).test(ID)).toBe(true);
		expect(new RegExp(WORKSPACE_ID_REGEX).test(`${ID}/providers/Microsoft.SecurityInsights`)).toBe(false);
		expect(parseWorkspaceUrl('not a url')).toBeUndefined();
	});
});
