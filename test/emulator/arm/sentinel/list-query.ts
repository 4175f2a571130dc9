// `$filter`, `$orderby`, `$top` and `$skipToken` handling shared by the paged Sentinel lists, and the absolute
// same-origin nextLink that carries all of them (clients GET it verbatim).
import type { RequestContext } from '../../core/http-types';
import { checkProperties, evaluateFilter, ODataError, parseFilter, readPath, type FilterNode, type FilterSchema } from './odata-filter';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_TOP = 1000;

export interface ListSchema extends FilterSchema {
	/** Paths `$orderby` accepts. */
	orderable: string[];
	/** Order when the client gives none. */
	defaultOrder: OrderTerm[];
	/** Final tiebreaker so pages are stable. */
	tiebreaker: OrderTerm;
}

export interface OrderTerm {
	path: string;
	descending: boolean;
}

export interface ListQuery {
	filter?: FilterNode;
	order: OrderTerm[];
	pageSize: number;
	offset: number;
}

export interface Page<T> {
	value: T[];
	nextLink?: string;
}

/** Parses the OData query options; throws ODataError (→ 400) on anything invalid. */
export function parseListQuery(ctx: RequestContext, schema: ListSchema, rewrite?: (node: FilterNode) => FilterNode): ListQuery {
	const query: ListQuery = { order: schema.defaultOrder, pageSize: DEFAULT_PAGE_SIZE, offset: 0 };
	const filter = ctx.query.$filter;
	if (filter !== undefined && filter.trim() !== '') {
		const tree = parseFilter(filter);
		checkProperties(tree, schema);
		query.filter = rewrite ? rewrite(tree) : tree;
	}
	const orderby = ctx.query.$orderby;
	if (orderby !== undefined && orderby.trim() !== '') query.order = parseOrderBy(orderby, schema);
	const top = ctx.query.$top;
	if (top !== undefined) query.pageSize = parseTop(top);
	const skipToken = ctx.query.$skipToken ?? ctx.query.$skiptoken;
	if (skipToken !== undefined) query.offset = decodeSkipToken(skipToken);
	return query;
}

function parseOrderBy(orderby: string, schema: ListSchema): OrderTerm[] {
	return orderby.split(',').map((clause) => {
		const parts = clause.trim().split(/\s+/);
		const [path, direction = 'asc'] = parts;
		if (parts.length > 2 || !['asc', 'desc'].includes(direction.toLowerCase())) {
			throw new ODataError(`The query specified in the URI is not valid. Syntax error at position ${orderby.indexOf(clause) + clause.length} in '${orderby}'.`);
		}
		if (!schema.orderable.includes(path)) {
			if (!(path in schema.properties)) {
				throw new ODataError(`The query specified in the URI is not valid. Could not find a property named '${path}' on type '${schema.typeName}'.`);
			}
			throw new ODataError(`The query specified in the URI is not valid. Order by '${path}' is not allowed. Allowed orderby properties are: ${schema.orderable.join(', ')}.`);
		}
		return { path, descending: direction.toLowerCase() === 'desc' };
	});
}

function parseTop(top: string): number {
	if (!/^-?\d+$/.test(top.trim())) {
		throw new ODataError(`The query specified in the URI is not valid. Invalid value '${top}' for $top query option found. The $top query option requires a non-negative integer value.`);
	}
	const value = Number(top);
	if (value > MAX_TOP) {
		throw new ODataError(`The query specified in the URI is not valid. The limit of '${MAX_TOP}' for Top query has been exceeded. The value from the incoming request is '${value}'.`);
	}
	if (value < 1) {
		throw new ODataError(`The query specified in the URI is not valid. Invalid value '${top}' for $top query option found. The $top query option requires a value between 1 and ${MAX_TOP}.`);
	}
	return value;
}

/** Skip tokens are opaque to clients; here they encode an offset into the filtered, ordered result. */
function encodeSkipToken(offset: number): string {
	return Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString('base64url');
}

function decodeSkipToken(token: string): number {
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
		if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
	} catch {
		// fall through to the error below
	}
	throw new ODataError(`The skip token '${token}' is invalid.`);
}

export function applyListQuery<T>(items: T[], query: ListQuery, schema: ListSchema, ctx: RequestContext): Page<T> {
	const filtered = query.filter ? items.filter((item) => evaluateFilter(query.filter as FilterNode, item, schema)) : items.slice();
	const order = [...query.order, schema.tiebreaker];
	filtered.sort((a, b) => {
		for (const term of order) {
			const diff = compareValues(sortKey(a, term.path, schema), sortKey(b, term.path, schema));
			if (diff !== 0) return term.descending ? -diff : diff;
		}
		return 0;
	});
	const value = filtered.slice(query.offset, query.offset + query.pageSize);
	const nextOffset = query.offset + query.pageSize;
	return nextOffset < filtered.length ? { value, nextLink: nextLink(ctx, query.pageSize, nextOffset) } : { value };
}

function sortKey(item: unknown, path: string, schema: ListSchema): string | number | boolean | null {
	const value = readPath(item, path);
	if (value === undefined || value === null) return null;
	if (schema.properties[path] === 'datetime' && typeof value === 'string') return Date.parse(value);
	return typeof value === 'object' ? value.datetime : value;
}

function compareValues(a: string | number | boolean | null, b: string | number | boolean | null): number {
	if (a === b) return 0;
	if (a === null) return -1;
	if (b === null) return 1;
	return a < b ? -1 : 1;
}

/** Absolute link on the origin the client used, repeating api-version, $filter, $orderby and $top. */
function nextLink(ctx: RequestContext, pageSize: number, offset: number): string {
	const params: string[] = [];
	const add = (name: string, value: string | undefined) => {
		if (value !== undefined) params.push(`${name}=${encodeURIComponent(value)}`);
	};
	add('api-version', ctx.query['api-version']);
	add('$filter', ctx.query.$filter);
	add('$orderby', ctx.query.$orderby);
	add('$top', String(pageSize));
	add('$skipToken', encodeSkipToken(offset));
	return `${ctx.origin}${ctx.rawPath}?${params.join('&')}`;
}
