import type { RouteDefinition } from './http-types';

/**
 * One emulated service (Entra ID, ARM/Sentinel, later Log Analytics, Graph, SIGNL4). It owns its routes, each with
 * a route id from `route-ids.ts` and an error style used when a fault answers in its name.
 */
export interface ServiceModule {
	readonly name: string;
	routes(): RouteDefinition[];
}
