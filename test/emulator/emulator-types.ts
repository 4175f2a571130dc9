import type { ArmOperationKind, BucketLimit, BucketState } from './arm/arm-headers';
import type { SentinelApi } from './arm/sentinel/sentinel-service';
import type { AutomationApi } from './arm/sentinel/automation/automation-rules';
import type { ActiveFault, FaultSpec } from './core/faults';
import type { RecordedRequest } from './core/request-log';
import type { RouteId } from './core/route-ids';
import type { LimitsMode } from './core/limits';
import type { Principal } from './entra/directory';
import type { RbacStore } from './arm/rbac/rbac-store';
import type { GraphDirectory } from './graph/graph-directory';
import type { DefenderApi } from './graph/security/defender-store';
import type { IngestionApi } from './loganalytics/ingestion/ingestion-module';
import type { LogAnalyticsApi } from './loganalytics/loganalytics-module';
import type { RequestWindowState } from './loganalytics/request-limit';
import type { Signl4Api } from './signl4/signl4-service';
import type { PlanLimits } from './signl4/throttle';

export interface StartOptions {
	/** 0 = random (default). */
	port?: number;
	/** Default '127.0.0.1'. */
	host?: string;
	/** Where ca.pem etc. are written; default a fresh os.tmpdir() folder. */
	stateDir?: string;
	/** Default 3599. */
	tokenLifetimeSeconds?: number;
	/** Generator-made incidents at start (default 0). */
	seedIncidents?: number;
	/** Generator-made Defender XDR incidents (Graph security API) at start (default 0); `emu.defender.seedTwinOf` adds twins of Sentinel ones. */
	seedDefenderIncidents?: number;
	/** Seed number of the incident generator (default 1): same number → same incidents. */
	generatorSeed?: number;
	/** Generate new TLS keys instead of reusing this process's set (default false; key generation is the slow part of start-up). */
	freshTls?: boolean;
	/**
	 * `'enforced'`: Resource Manager's token buckets and Log Analytics' 200 requests / 30 s answer 429, and Log
	 * Analytics queues queries past 5 at once, as the real services do. `'reported'` (default here; the CLI defaults to
	 * `'enforced'`): buckets and windows are counted (ARM's `x-ms-ratelimit-remaining-*` headers) but never refuse.
	 * SIGNL4's plan windows are enforced in both.
	 */
	limits?: LimitsMode;
	/** The clock (epoch ms) ARM's buckets and Log Analytics' windows are measured on; default `Date.now`. */
	limitsClock?: () => number;
}

export interface LimitsDrainOptions {
	/** Which service's limit (default all). */
	service?: 'arm' | 'loganalytics' | 'graphSecurity';
	/** ARM operation types to empty (default all three). */
	kinds?: ArmOperationKind[];
	/** Object id of the principal (default `emulator.principal.objectId`). */
	principal?: string;
}

/** What `GET /_emulator/limits` and `emulator.limits.state()` report. */
export interface LimitsState {
	mode: LimitsMode;
	arm: { buckets: Record<ArmOperationKind, BucketLimit>; state: BucketState[] };
	loganalytics: { requestLimit: number; requestWindowSeconds: number; windows: RequestWindowState[]; concurrencyLimit: number; queueing: boolean };
	/** SIGNL4's plan windows (signl4/throttle.ts) are enforced whatever the mode. */
	signl4: { enforced: true; plan: PlanLimits };
	/** Graph's `/security` limit: 150 requests per minute per app per tenant (graph/security/security-module.ts). */
	graphSecurity: { requestLimit: number; requestWindowSeconds: number; windows: RequestWindowState[] };
}

/** `emulator.limits`: the one switch for every enforced limit, plus test helpers. */
export interface LimitsApi {
	readonly mode: LimitsMode;
	set(mode: LimitsMode): void;
	/** Every ARM bucket full and every Log Analytics window empty again (SIGNL4's windows: `signl4.resetThrottling`). */
	reset(): void;
	/** Empties a principal's ARM buckets / fills its Log Analytics window now: its next request is refused (when enforced). */
	drain(options?: LimitsDrainOptions): void;
	state(): LimitsState;
}

export interface WorkspaceDescriptor {
	subscriptionId: string;
	resourceGroup: string;
	name: string;
	/** Log Analytics workspace GUID. */
	customerId: string;
	/** /subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/NAME */
	armId: string;
}

export interface Emulator {
	/** 'https://127.0.0.1:PORT': authority host, ARM endpoint (and later LA/Graph/SIGNL4). */
	url: string;
	caPem: string;
	caPath: string;
	principal: Principal;
	/** The Sentinel workspace that holds incidents by default. */
	workspace: WorkspaceDescriptor;
	/** Every workspace the principal can see (the first is `workspace`). */
	workspaces: WorkspaceDescriptor[];
	sentinel: SentinelApi;
	/** Automation rules on incident create/update that run the push playbook (POST to n8n), with settable delays and failures. */
	automation: AutomationApi;
	/** Log Analytics query API: seeded tables, switches, concurrency counter, received queries. */
	logAnalytics: LogAnalyticsApi;
	/** Logs Ingestion API (a data collection endpoint at `url`): data collection rules and the uploads received. */
	ingestion: IngestionApi;
	/** Azure RBAC: role definitions and assignments; enforced for every principal that has at least one assignment. */
	rbac: RbacStore;
	/** Microsoft Graph's app registrations, service principals and app-role assignments (what setup-azure.sh creates). */
	graph: GraphDirectory;
	/** Defender XDR behind Microsoft Graph's security API (`/v1.0/security/incidents`, `/alerts_v2`): incidents, alerts, comments, twins of Sentinel incidents, principals' security permissions. */
	defender: DefenderApi;
	/** SIGNL4 under `<url>/signl4`: alerts, users, API key, outbound callbacks, throttling plan, console. */
	signl4: Signl4Api;
	faults: {
		/** Returns the fault's id, for `remove`. */
		add(fault: FaultSpec): string;
		remove(id: string): boolean;
		clear(): void;
		list(): ActiveFault[];
	};
	identity: {
		setTokenLifetime(seconds: number): void;
		/** Tokens issued so far are now rejected as expired. */
		expireAllTokens(): void;
		/** Registers another app in the tenant (own client id, secret and object id; same certificate). */
		addPrincipal(displayName?: string): Principal;
	};
	/** Service limits: enforced (429s as the real services answer them) or only reported. */
	limits: LimitsApi;
	/** Every request to an emulated service (control API calls are not recorded). */
	requests: RecordedRequest[];
	requestCount(route?: RouteId | 'unmatched'): number;
	clearRequests(): void;
	stop(): Promise<void>;
}
