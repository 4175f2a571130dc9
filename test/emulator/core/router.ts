import type { HttpMethod } from './http-types';

interface CompiledPattern<T> {
	method: HttpMethod;
	segments: Array<{ literal: string } | { param: string }>;
	route: T;
}

export type RouteMatch<T> =
	| { kind: 'matched'; route: T; params: Record<string, string> }
	| { kind: 'method-not-allowed'; allowed: HttpMethod[] }
	| { kind: 'none' };

/**
 * Matches raw (percent-encoded) paths segment by segment, so an encoded `/` inside an id stays inside its segment.
 * Literal segments compare case-insensitively because ARM paths are case-insensitive.
 */
export class Router<T extends { method: HttpMethod; pattern: string }> {
	private readonly compiled: Array<CompiledPattern<T>> = [];

	add(route: T): void {
		const segments = splitPath(route.pattern).map((segment) => {
			const param = /^\{(\w+)\}$/.exec(segment);
			return param ? { param: param[1] } : { literal: segment.toLowerCase() };
		});
		this.compiled.push({ method: route.method, segments, route });
	}

	match(method: string, rawPath: string): RouteMatch<T> {
		const parts = splitPath(rawPath);
		const allowed: HttpMethod[] = [];
		for (const candidate of this.compiled) {
			const params = matchSegments(candidate.segments, parts);
			if (!params) continue;
			if (candidate.method === method) return { kind: 'matched', route: candidate.route, params };
			allowed.push(candidate.method);
		}
		return allowed.length ? { kind: 'method-not-allowed', allowed } : { kind: 'none' };
	}
}

function splitPath(path: string): string[] {
	return path.split('/').filter((part) => part.length > 0);
}

function matchSegments(
	pattern: CompiledPattern<unknown>['segments'],
	parts: string[],
): Record<string, string> | undefined {
	if (pattern.length !== parts.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < pattern.length; i++) {
		const segment = pattern[i];
		if ('literal' in segment) {
			if (segment.literal !== parts[i].toLowerCase()) return undefined;
			continue;
		}
		let value: string;
		try {
			value = decodeURIComponent(parts[i]);
		} catch {
			return undefined;
		}
		params[segment.param] = value;
	}
	return params;
}
