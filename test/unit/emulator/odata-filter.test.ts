/** The `$filter` parser and evaluator on their own. */
import { checkProperties, evaluateFilter, ODataError, parseFilter, type FilterSchema } from '../../emulator/arm/sentinel/odata-filter';

const schema: FilterSchema = {
	typeName: 'Incident',
	properties: {
		name: 'string',
		'properties/title': 'string',
		'properties/status': 'string',
		'properties/severity': 'string',
		'properties/incidentNumber': 'number',
		'properties/createdTimeUtc': 'datetime',
		'properties/owner/objectId': 'string',
		'properties/classification': 'string',
	},
};

const item = {
	name: 'abc',
	properties: {
		title: "Mass download by O'Neil",
		status: 'New',
		severity: 'High',
		incidentNumber: 42,
		createdTimeUtc: '2024-05-01T10:00:00.1230000Z',
		owner: { objectId: '2046feea-040d-4a46-9e2b-91c2941bfa70' },
	},
};

function matches(filter: string): boolean {
	const tree = parseFilter(filter);
	checkProperties(tree, schema);
	return evaluateFilter(tree, item, schema);
}

describe('OData $filter', () => {
	it.each([
		["properties/status eq 'New'", true],
		["properties/status eq 'new'", false],
		["properties/status ne 'Closed'", true],
		['properties/incidentNumber gt 41 and properties/incidentNumber lt 43', true],
		['properties/incidentNumber ge 43 or properties/incidentNumber le 41', false],
		["not (properties/severity eq 'Low')", true],
		["(properties/severity eq 'Low' or properties/severity eq 'High') and properties/status eq 'New'", true],
		["contains(toLower(properties/title), 'mass download')", true],
		["contains(properties/title, 'mass')", false],
		["startswith(properties/title, 'Mass') and endswith(properties/title, 'Neil')", true],
		["properties/title eq 'Mass download by O''Neil'", true],
		['properties/createdTimeUtc gt 2024-05-01T09:59:59Z', true],
		['properties/createdTimeUtc ge 2024-05-01T10:00:00.123Z', true],
		['properties/createdTimeUtc gt 2024-05-01T10:00:00.123Z', false],
		['properties/createdTimeUtc lt 2024-05-01T13:00:00+02:00', true],
		['properties/createdTimeUtc lt 2024-05-01T12:00:00+02:00', false],
		['properties/owner/objectId eq 2046feea-040d-4a46-9e2b-91c2941bfa70', true],
		['properties/classification eq null', true],
		["properties/classification ne null or name eq 'abc'", true],
		['properties/incidentNumber eq 42 and true', true],
	])('%s → %s', (filter, expected) => {
		expect(matches(filter)).toBe(expected);
	});

	it.each([
		["properties/status eq 'New' and", /Syntax error at position 30/],
		["properties/status eq 'New'))", /Syntax error/],
		['properties/status eq', /Syntax error/],
		["properties/status eq 'New", /unterminated string literal/],
		["properties/nope eq 'x'", /Could not find a property named 'properties\/nope' on type 'Incident'/],
		["substringof('a', properties/title)", /unknown function with name 'substringof'/],
		["contains(properties/title)", /No function signature/],
		['properties/incidentNumber add 1 eq 2', /operator 'add' is not supported/],
		["properties/labels/any(l: l/labelName eq 'x')", /unknown function|Syntax error/],
		['', /Syntax error/],
	])('rejects %s', (filter, message) => {
		expect(() => matches(filter)).toThrow(ODataError);
		expect(() => matches(filter)).toThrow(message);
	});
});
