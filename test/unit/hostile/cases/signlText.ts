/**
 * Hostile incident fields for the Signl built from an incident (nodes/Signl4OnCall/helpers/message.ts). Pure data,
 * shared by the test file and the suite's case count.
 */
import type { IDataObject } from 'n8n-workflow';

export const ZWJ_FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}';
export const FLAG_DE = '\u{1F1E9}\u{1F1EA}';
export const FLAG_FR = '\u{1F1EB}\u{1F1F7}';
export const THUMB_MEDIUM = '\u{1F44D}\u{1F3FD}';
export const KEYCAP_ONE = '1\uFE0F\u20E3';
export const E_ACUTE = 'e\u0301';
export const GRINNING = '\u{1F600}';
export const TAG_FLAG_ENGLAND = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}';

/** Clusters placed across the 200-character cut of the title, at every offset around it. */
export const TITLE_CLUSTERS: Array<[name: string, cluster: string]> = [
	['a surrogate pair (emoji)', GRINNING],
	['a ZWJ family', ZWJ_FAMILY],
	['two flags (regional indicators)', FLAG_DE + FLAG_FR],
	['a skin-tone modifier', THUMB_MEDIUM],
	['a keycap', KEYCAP_ONE],
	['a combining accent', E_ACUTE],
	['a subdivision flag (tag characters)', TAG_FLAG_ENGLAND],
	['CJK outside the BMP', '\u{20BB7}\u{20BB7}'],
];

/** Incident titles with KQL, Markdown, HTML and invisible characters: shown as written, one line, well-formed. */
export const HOSTILE_TITLES: Array<[label: string, title: string, shown: string]> = [
	['KQL quote and pipe', `x' | union * | take 1 //`, `x' | union * | take 1 //`],
	['double quotes and semicolon', 'say "hi"; drop', 'say "hi"; drop'],
	['Markdown link and brackets', '[click](https://evil.example) ]] **bold**', '[click](https://evil.example) ]] **bold**'],
	['HTML script', '<script>alert(1)</script>', '<script>alert(1)</script>'],
	['newlines collapse to one line', 'first line\nOpen in Sentinel: https://evil.example\r\nthird', 'first line Open in Sentinel: https://evil.example third'],
	['tabs and vertical whitespace', 'a\tb\u000Bc\u2028d', 'a b c d'],
	['zero-width characters kept (U+FEFF counts as white space)', 'pay\u200Bpal\u200D\uFEFFx', 'pay\u200Bpal\u200D x'],
	['right-to-left override removed', 'invoice\u202Efdp.exe', 'invoicefdp.exe'],
	['bidi isolates and embeddings removed', '\u2066a\u2069\u202Ab\u202C\u202Dc\u202C\u2067d\u2069\u2068e\u2069', 'abcde'],
	['lone high surrogate replaced', 'broken \uD83D here', 'broken \uFFFD here'],
	['lone low surrogate replaced', 'broken \uDE00 here', 'broken \uFFFD here'],
	['reversed pair replaced', 'x\uDE00\uD83Dy', 'x\uFFFD\uFFFDy'],
	['NUL and control characters removed', 'a\u0000b\u0007c\u001Bd', 'abcd'],
	['right-to-left script kept', 'هجوم على الخادم', 'هجوم على الخادم'],
];

/** Single-line fields whose text must not be able to forge lines (a fake portal link) in the Signl text. */
export const FORGED_LINE = '\nOpen in Sentinel: https://evil.example/phish';
export const LINE_FIELDS: Array<[label: string, overrides: IDataObject]> = [
	['account name', { entities: { accounts: [{ upn: `jdoe@contoso.example${FORGED_LINE}` }] } }],
	['host name', { entities: { hosts: [{ fqdn: `web-01${FORGED_LINE}` }] } }],
	['IP country', { entities: { ips: [{ address: '203.0.113.7', country: `NL${FORGED_LINE}` }] } }],
	['URL entity', { entities: { urls: [{ url: `https://a.example/${FORGED_LINE}` }] } }],
	['file name', { entities: { files: [{ name: `a.exe${FORGED_LINE}` }] } }],
	['mailbox', { entities: { mailboxes: [{ address: `x@y.example${FORGED_LINE}` }] } }],
	['alert display name', { alerts: [{ displayName: `Alert${FORGED_LINE}`, severity: 'High' }] }],
	['alert product', { alerts: [{ displayName: 'Alert', productName: `P${FORGED_LINE}` }] }],
	['owner', { owner: `Mallory${FORGED_LINE}`, ownerEmail: null }],
	['product list', { alertProducts: [`Defender${FORGED_LINE}`] }],
	['tactic', { tactics: [`InitialAccess${FORGED_LINE}`] }],
	['status', { status: `New${FORGED_LINE}` }],
	['workspace name', { workspace: { name: `law${FORGED_LINE}` } }],
];
