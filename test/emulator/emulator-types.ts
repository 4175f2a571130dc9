import type { SentinelApi } from './arm/sentinel/sentinel-service';
import type { ActiveFault, FaultSpec } from './core/faults';
import type { RecordedRequest } from './core/request-log';
import type { RouteId } from './core/route-ids';
import type { Principal } from './entra/directory';
import type { LogAnalyticsApi } from './loganalytics/loganalytics-module';
import type { Signl4Api } from './signl4/signl4-service';

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
	/** Seed number of the incident generator (default 1): same number → same incidents. */
	generatorSeed?: number;
	/** Generate new TLS keys instead of reusing this process's set (default false; key generation is the slow part of start-up). */
	freshTls?: boolean;
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
	/** Log Analytics query API: seeded tables, switches, concurrency counter, received queries. */
	logAnalytics: LogAnalyticsApi;
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
	};
	/** Every request to an emulated service (control API calls are not recorded). */
	requests: RecordedRequest[];
	requestCount(route?: RouteId | 'unmatched'): number;
	clearRequests(): void;
	stop(): Promise<void>;
}
