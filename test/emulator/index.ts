import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArmModule } from './arm/arm-module';
import { SentinelService } from './arm/sentinel/sentinel-service';
import { AutomationRules } from './arm/sentinel/automation/automation-rules';
import { ArmTopology, type WorkspaceInfo } from './arm/topology';
import { controlRoutes } from './control/control-routes';
import { FaultInjector } from './core/faults';
import { isLimitsMode, LimitsSwitch } from './core/limits';
import { ARM_BUCKET_LIMITS, ARM_OPERATION_KINDS } from './arm/arm-headers';
import { RequestLog } from './core/request-log';
import { startHttpsServer } from './core/server';
import type { ServiceModule } from './core/service-module';
import { emulatorTls } from './core/tls';
import { Directory, normaliseResource } from './entra/directory';
import { EntraModule } from './entra/entra-module';
import { GraphDirectory } from './graph/graph-directory';
import { GraphModule } from './graph/graph-module';
import { defenderControlRoutes } from './graph/security/control-routes';
import { DefenderStore } from './graph/security/defender-store';
import { GraphSecurityModule, SECURITY_REQUEST_LIMIT, SECURITY_REQUEST_WINDOW_SECONDS } from './graph/security/security-module';
import { graphRolesOf, SECURITY_ROLES, setSecurityRoles } from './graph/security/security-roles';
import { LogAnalyticsModule } from './loganalytics/loganalytics-module';
import { ingestionControlRoutes } from './loganalytics/ingestion/control-routes';
import { IngestionModule, MONITOR_AUDIENCE } from './loganalytics/ingestion/ingestion-module';
import { Signl4Module, SIGNL4_PREFIX } from './signl4/signl4-module';
import { Signl4Service } from './signl4/signl4-service';
import { TokenStore } from './entra/token-store';
import type { Emulator, LimitsApi, StartOptions, WorkspaceDescriptor } from './emulator-types';

export type { Emulator, LimitsApi, LimitsDrainOptions, LimitsState, StartOptions, WorkspaceDescriptor } from './emulator-types';
export type { LimitsMode } from './core/limits';
export type { ArmOperationKind } from './arm/arm-headers';
export type { RouteId } from './core/route-ids';
export type { RecordedRequest } from './core/request-log';
export type { FaultSpec } from './core/faults';
export type { Principal } from './entra/directory';
export type { SentinelApi, SentinelQuirks, SentinelSeedOptions } from './arm/sentinel/sentinel-service';
export type { AutomationApi, AutomationRule, AutomationRuleSpec, PlaybookRun } from './arm/sentinel/automation/automation-rules';
export type { DefenderApi } from './graph/security/defender-store';
export type { AlertComment as DefenderAlertComment, DefenderAlert, DefenderAlertSeed, DefenderIncident, DefenderIncidentSeed } from './graph/security/security-model';
export type { Signl4Api, AlertRecord as Signl4Alert, Signl4User, InboundEvent as Signl4InboundEvent } from './signl4/signl4-service';
export type { LogAnalyticsApi, LogAnalyticsSettings, RecordedQuery, QueryResponseBody } from './loganalytics/loganalytics-module';
export type { DataCollectionRule, DataCollectionRuleSpec, IngestionApi, RecordedUpload } from './loganalytics/ingestion/ingestion-module';
export type {
	Alert,
	AlertSeed,
	Entity,
	EntityKind,
	EntitySeed,
	Incident,
	IncidentComment,
	IncidentSeed,
	IncidentSeverity,
	IncidentStatus,
	SentinelUser,
} from './arm/sentinel/model';
export { SCHEDULED_RULES, SEEDED_TABLES } from './generator/scheduled-rules';
export { ALL_ROUTE_IDS } from './core/route-ids';

const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

export async function startEmulator(options: StartOptions = {}): Promise<Emulator> {
	const host = options.host ?? '127.0.0.1';
	const stateDir = options.stateDir ?? mkdtempSync(path.join(tmpdir(), 'sentinel-emulator-'));
	mkdirSync(stateDir, { recursive: true });

	const limitsMode = options.limits ?? 'reported';
	if (!isLimitsMode(limitsMode)) throw new Error(`limits must be 'enforced' or 'reported', not '${String(limitsMode)}'`);
	const limits = new LimitsSwitch(limitsMode, options.limitsClock ?? Date.now);

	const tls = await emulatorTls(options.freshTls);
	const directory = new Directory(tls);
	const tokens = new TokenStore(options.tokenLifetimeSeconds ?? 3599);
	const topology = new ArmTopology(directory.tenantId);
	const sentinel = new SentinelService(topology, directory.tenantId, options.generatorSeed ?? 1);
	const automation = new AutomationRules();
	for (const workspace of topology.workspaces) {
		sentinel.store(workspace).changeListeners.push((record, change) => automation.onIncidentChange(record, workspace, change));
	}
	const arm = new ArmModule(tokens, topology, sentinel, directory.tenantId, limits);
	const logAnalytics = new LogAnalyticsModule(tokens, topology, sentinel, directory.tenantId, options.generatorSeed ?? 1, limits);
	// Registering a service = constructing its module and listing it here.
	const signl4 = new Signl4Service();
	// Logs Ingestion API (a data collection endpoint): its rows land in the Log Analytics tables above.
	const ingestion = new IngestionModule(tokens, logAnalytics, directory.principal.objectId, limits);
	directory.resources.add(MONITOR_AUDIENCE);
	// Microsoft Graph's app registrations; role assignments in ARM may name its service principals. Its token
	// audience is also the emulator's own URL (a custom cloud's Graph resource id, as az asks for it): added below.
	const graphDirectory = new GraphDirectory(directory);
	const graphAudiences: string[] = [];
	arm.principalExists = (objectId) => graphDirectory.principalExists(objectId);
	// Microsoft Graph's security API (Defender XDR). Tokens for Graph carry the principal's Graph application
	// permissions (`roles`); the emulator's own principal holds all four security permissions.
	const defender = new DefenderStore(directory.tenantId, sentinel, options.generatorSeed ?? 1);
	const graphSecurity = new GraphSecurityModule(defender, tokens, () => graphAudiences, limits);
	const isGraphAudience = (audience: string) => [GRAPH_AUDIENCE, ...graphAudiences].some((known) => normaliseResource(known) === normaliseResource(audience));
	tokens.rolesFor = (objectId, audience) => (isGraphAudience(audience) ? graphRolesOf(graphDirectory, objectId) : []);
	setSecurityRoles(graphDirectory, directory.principal.objectId, directory.principal.displayName, SECURITY_ROLES);
	const modules: ServiceModule[] = [new EntraModule(directory, tokens), arm, logAnalytics, ingestion, new Signl4Module(signl4), new GraphModule(graphDirectory, tokens, () => graphAudiences), graphSecurity];

	const caPath = path.join(stateDir, 'ca.pem');
	writeFileSync(caPath, tls.ca.certPem);
	writeFileSync(path.join(stateDir, 'client-certificate.pem'), directory.principal.certificatePem, { mode: 0o600 });

	const faults = new FaultInjector();
	const log = new RequestLog();
	let emulator: Emulator | undefined;
	const server = await startHttpsServer({
		host,
		port: options.port ?? 0,
		keyPem: tls.server.keyPem,
		certPem: tls.server.certPem,
		routes: modules.flatMap((module) => module.routes()),
		controlRoutes: [...controlRoutes(() => emulator as Emulator), ...ingestionControlRoutes(ingestion), ...defenderControlRoutes(() => (emulator as Emulator).defender)],
		unmatched: (ctx, match) => arm.unmatched(ctx, match),
		faults,
		log,
	});

	if (options.seedIncidents) sentinel.seed(options.seedIncidents);
	if (options.seedDefenderIncidents) defender.seed(options.seedDefenderIncidents);

	const describe = (ws: WorkspaceInfo): WorkspaceDescriptor => ({
		subscriptionId: ws.subscriptionId,
		resourceGroup: ws.resourceGroup,
		name: ws.name,
		customerId: ws.customerId,
		armId: ws.armId,
	});
	const url = `https://${host.includes(':') ? `[${host}]` : host}:${server.port}`;
	for (const audience of [url, `https://localhost:${server.port}`]) {
		graphAudiences.push(audience);
		directory.resources.add(audience);
	}
	const laWindow = () => ({ limit: logAnalytics.settings.requestLimit, windowMs: logAnalytics.settings.requestWindowSeconds * 1000 });
	const limitsApi: LimitsApi = {
		get mode() {
			return limits.mode;
		},
		set: (mode) => {
			if (!isLimitsMode(mode)) throw new Error(`limits must be 'enforced' or 'reported', not '${String(mode)}'`);
			limits.mode = mode;
		},
		reset: () => {
			arm.buckets.reset();
			logAnalytics.requestWindows.reset();
			graphSecurity.requestWindows.reset();
		},
		drain: ({ service, kinds, principal = directory.principal.objectId } = {}) => {
			if (!service || service === 'arm') {
				arm.buckets.drain(topology.subscriptions.map((sub) => sub.subscriptionId), principal, kinds ?? ARM_OPERATION_KINDS);
			}
			if (!service || service === 'loganalytics') {
				const { limit, windowMs } = laWindow();
				logAnalytics.requestWindows.drain(principal, limit, windowMs);
			}
			if (!service || service === 'graphSecurity') {
				graphSecurity.requestWindows.drain(principal, SECURITY_REQUEST_LIMIT, SECURITY_REQUEST_WINDOW_SECONDS * 1000);
			}
		},
		state: () => {
			const { limit, windowMs } = laWindow();
			return {
				mode: limits.mode,
				arm: { buckets: { ...ARM_BUCKET_LIMITS }, state: arm.buckets.state() },
				loganalytics: {
					requestLimit: limit,
					requestWindowSeconds: logAnalytics.settings.requestWindowSeconds,
					windows: logAnalytics.requestWindows.state(limit, windowMs),
					concurrencyLimit: logAnalytics.settings.concurrencyLimit,
					queueing: logAnalytics.queueing,
				},
				signl4: { enforced: true, plan: signl4.plan },
				graphSecurity: {
					requestLimit: SECURITY_REQUEST_LIMIT,
					requestWindowSeconds: SECURITY_REQUEST_WINDOW_SECONDS,
					windows: graphSecurity.requestWindows.state(SECURITY_REQUEST_LIMIT, SECURITY_REQUEST_WINDOW_SECONDS * 1000),
				},
			};
		},
	};
	emulator = {
		url,
		caPem: tls.ca.certPem,
		caPath,
		principal: directory.principal,
		workspace: describe(topology.defaultWorkspace),
		workspaces: topology.workspaces.map(describe),
		sentinel,
		automation,
		logAnalytics,
		ingestion,
		rbac: arm.rbac,
		graph: graphDirectory,
		defender: defender.api((objectId, roles) => {
			const principal = [directory.principal, ...directory.otherPrincipals].find((candidate) => candidate.objectId === objectId.toLowerCase());
			setSecurityRoles(graphDirectory, objectId, principal?.displayName ?? objectId, roles);
		}),
		signl4: signl4.api(`${url}${SIGNL4_PREFIX}`, `${url}/_emulator/signl4/console`),
		faults: {
			add: (fault) => faults.add(fault),
			remove: (id) => faults.remove(id),
			clear: () => faults.clear(),
			list: () => faults.list(),
		},
		identity: {
			setTokenLifetime: (seconds) => {
				tokens.lifetimeSeconds = seconds;
			},
			expireAllTokens: () => tokens.expireAll(),
			addPrincipal: (displayName) => directory.addPrincipal(displayName),
		},
		limits: limitsApi,
		requests: log.entries,
		requestCount: (route) => log.count(route),
		clearRequests: () => log.clear(),
		stop: () => server.close(),
	};
	return emulator;
}
