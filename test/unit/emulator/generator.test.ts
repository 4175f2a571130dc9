/** The incident generator: deterministic, realistic, and internally consistent. */
import { startEmulator, SCHEDULED_RULES, SEEDED_TABLES, type Emulator, type Incident } from '../../emulator';
import { timespanMs } from '../../emulator/generator/incident-generator';

jest.setTimeout(30_000);

let a: Emulator;
let b: Emulator;
beforeAll(async () => {
	[a, b] = await Promise.all([startEmulator({ generatorSeed: 7 }), startEmulator({ generatorSeed: 7 })]);
});
afterAll(async () => {
	await Promise.all([a.stop(), b.stop()]);
});

const shape = (incident: Incident) => ({
	name: incident.name,
	title: incident.properties.title,
	severity: incident.properties.severity,
	status: incident.properties.status,
	owner: incident.properties.owner.objectId,
	classification: incident.properties.classification,
	additionalData: incident.properties.additionalData,
});

describe('incident generator', () => {
	it('is deterministic for a seed number', () => {
		const first = a.sentinel.seed(30).map(shape);
		const second = b.sentinel.seed(30).map(shape);
		expect(first.map((incident) => ({ ...incident, additionalData: { ...incident.additionalData, providerIncidentUrl: undefined } }))).toEqual(
			second.map((incident) => ({ ...incident, additionalData: { ...incident.additionalData, providerIncidentUrl: undefined } })),
		);
	});

	it('keeps additionalData consistent with alerts and comments, and closed incidents classified', () => {
		const incidents = a.sentinel.seed(200, { alertsPerIncident: [1, 4] });
		const products = new Set<string>();
		for (const incident of incidents) {
			const alerts = a.sentinel.alerts(incident.name);
			const data = incident.properties.additionalData;
			expect(data.alertsCount).toBe(alerts.length);
			expect(data.alertProductNames).toEqual([...new Set(alerts.map((alert) => alert.properties.productName))]);
			expect(new Set(data.tactics)).toEqual(new Set(alerts.flatMap((alert) => alert.properties.tactics)));
			alerts.forEach((alert) => products.add(alert.properties.productName));
			if (incident.properties.status === 'Closed') expect(incident.properties.classification).toBeDefined();
			if (incident.properties.status !== 'New') expect(incident.properties.owner.ownerType).toBe('User');
			expect(Date.parse(incident.properties.lastModifiedTimeUtc)).toBeGreaterThanOrEqual(Date.parse(incident.properties.createdTimeUtc));
		}
		expect([...products].sort()).toEqual(['Azure Sentinel', 'Microsoft Defender for Cloud Apps', 'Microsoft Defender for Endpoint', 'Microsoft Entra ID Protection', 'Office 365']);
		const statuses = new Set(incidents.map((incident) => incident.properties.status));
		expect([...statuses].sort()).toEqual(['Active', 'Closed', 'New']);
		const commented = incidents.filter((incident) => incident.properties.additionalData.commentsCount > 0);
		expect(commented.length).toBeGreaterThan(0);
	});

	it('creates within the window, in number order unless outOfOrder', () => {
		const ordered = b.sentinel.seed(50, { createdWithinMinutes: 60 });
		const times = ordered.map((incident) => Date.parse(incident.properties.createdTimeUtc));
		expect(times).toEqual([...times].sort((x, y) => x - y));
		expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.now() - 61 * 60_000);
		const shuffled = b.sentinel.seed(50, { createdWithinMinutes: 60, outOfOrder: true }).map((incident) => Date.parse(incident.properties.createdTimeUtc));
		expect(shuffled).not.toEqual([...shuffled].sort((x, y) => x - y));
	});

	it('seeds another workspace when asked', () => {
		const second = b.workspaces[1];
		const seeded = b.sentinel.seed(2, { workspace: second.name });
		expect(seeded[0].id.startsWith(second.armId)).toBe(true);
	});

	it('scheduled rules name only the seeded tables and use valid timespans', () => {
		for (const rule of SCHEDULED_RULES) {
			for (const table of rule.tables) expect(SEEDED_TABLES).toContain(table);
			expect(rule.query.split('\n').some((line) => (SEEDED_TABLES as readonly string[]).includes(line.trim()))).toBe(true);
			expect(timespanMs(rule.queryPeriod)).toBeGreaterThan(0);
		}
		expect(new Set(SCHEDULED_RULES.flatMap((rule) => rule.tables))).toEqual(new Set(SEEDED_TABLES));
	});
});
