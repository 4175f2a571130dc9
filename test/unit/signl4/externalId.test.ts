import {
	EXTERNAL_ID_PREFIX,
	ExternalIdError,
	MAX_EXTERNAL_ID_LENGTH,
	formatExternalId,
	incidentRefFromItem,
	incidentReferenceFields,
	parseExternalId,
} from '../../../nodes/shared/sentinel/externalId';
import { INCIDENT_NAME, SUBSCRIPTION, incidentItem } from './fixtures';

const ref = { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-sentinel-prod', workspaceName: 'law-sentinel-prod', incidentName: INCIDENT_NAME };

describe('external ID', () => {
	test('format: sentinel:<subscription>:<resource group>:<workspace>:<incident>', () => {
		expect(formatExternalId(ref)).toBe(`${EXTERNAL_ID_PREFIX}:${SUBSCRIPTION}:rg-sentinel-prod:law-sentinel-prod:${INCIDENT_NAME}`);
	});

	test('round trip: parse(format(x)) = x', () => {
		expect(parseExternalId(formatExternalId(ref))).toEqual(ref);
	});

	test('canonical lower case: the same incident through differently-cased settings gives one ID', () => {
		const shouted = { subscriptionId: SUBSCRIPTION.toUpperCase(), resourceGroup: 'RG-Sentinel-Prod', workspaceName: 'LAW-Sentinel-Prod', incidentName: INCIDENT_NAME.toUpperCase() };
		expect(formatExternalId(shouted)).toBe(formatExternalId(ref));
		expect(parseExternalId(formatExternalId(shouted).toUpperCase())).toEqual(ref);
	});

	test('no collisions across workspaces: same incident GUID in other workspaces, resource groups, subscriptions', () => {
		const variants = [
			ref,
			{ ...ref, workspaceName: 'law-sentinel-dev' },
			{ ...ref, resourceGroup: 'rg-sentinel-dev' },
			{ ...ref, subscriptionId: '0b9a8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d' },
			// Same strings, shifted between parts: separators keep them apart.
			{ ...ref, resourceGroup: 'rg-sentinel', workspaceName: 'prod-law-sentinel-prod' },
		];
		const ids = variants.map(formatExternalId);
		expect(new Set(ids).size).toBe(variants.length);
		ids.forEach((id, index) => expect(parseExternalId(id)).toEqual(variants[index]));
	});

	test.each([
		['not a GUID subscription', { ...ref, subscriptionId: 'contoso' }, 'subscription ID'],
		['colon in resource group', { ...ref, resourceGroup: 'rg:evil' }, 'resource group'],
		['resource group ending in a dot', { ...ref, resourceGroup: 'rg.' }, 'resource group'],
		['colon in workspace', { ...ref, workspaceName: 'law:x' }, 'workspace name'],
		['empty incident', { ...ref, incidentName: '' }, 'incident name'],
		['colon in incident', { ...ref, incidentName: 'a:b' }, 'incident name'],
	])('format refuses %s and names the part, not the value', (_label, bad, part) => {
		expect(() => formatExternalId(bad)).toThrow(ExternalIdError);
		expect(() => formatExternalId(bad)).toThrow(part);
		expect(() => formatExternalId(bad)).not.toThrow(/evil|contoso|law:x|a:b/);
	});

	test(`format refuses IDs longer than ${MAX_EXTERNAL_ID_LENGTH} characters instead of letting SIGNL4 cut them`, () => {
		const long = { ...ref, resourceGroup: 'r'.repeat(90), workspaceName: `w${'x'.repeat(61)}w`, incidentName: 'i'.repeat(64) };
		expect(() => formatExternalId(long)).toThrow(/more than 255/);
		// A realistic one is far below.
		expect(formatExternalId(ref).length).toBeLessThan(130);
	});

	test.each([
		['INC091210'],
		['sentinel:only:three'],
		[`other:${SUBSCRIPTION}:rg:ws:${INCIDENT_NAME}`],
		[`sentinel:${SUBSCRIPTION}:rg:ws:${INCIDENT_NAME}:extra`],
		[`sentinel:not-a-guid:rg:ws:${INCIDENT_NAME}`],
		[''],
		[null],
		[42],
	])('parse returns undefined for %p', (value) => {
		expect(parseExternalId(value)).toBeUndefined();
	});

	test('incident reference fields: the keys the Sentinel trigger emits', () => {
		expect(incidentReferenceFields(ref)).toEqual({
			incidentName: INCIDENT_NAME,
			workspace: {
				subscriptionId: SUBSCRIPTION,
				resourceGroup: 'rg-sentinel-prod',
				name: 'law-sentinel-prod',
				armId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sentinel-prod/providers/Microsoft.OperationalInsights/workspaces/law-sentinel-prod`,
			},
		});
	});

	test('reads the reference from a trigger item, or from workspace.armId alone', () => {
		expect(incidentRefFromItem(incidentItem())).toEqual(ref);
		const item = incidentItem();
		(item.workspace as Record<string, unknown>) = { armId: (incidentItem().workspace as Record<string, string>).armId };
		expect(incidentRefFromItem(item)).toEqual(ref);
		expect(incidentRefFromItem({ title: 'no incident' })).toBeUndefined();
		expect(incidentRefFromItem({ incidentName: INCIDENT_NAME })).toBeUndefined();
	});
});
