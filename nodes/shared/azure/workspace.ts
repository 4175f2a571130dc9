/**
 * A Log Analytics workspace with Microsoft Sentinel, as ARM addresses it (by name), plus its Log Analytics
 * workspace ID (a GUID, needed by the query API) once resolved.
 */
export interface WorkspaceRef {
	subscriptionId: string;
	resourceGroup: string;
	workspaceName: string;
	/** Canonical ARM resource ID. */
	armId: string;
}

const guid = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const resourceGroup = '[-\\w._()]{1,90}';
const workspaceName = '[A-Za-z0-9][A-Za-z0-9-]{0,88}[A-Za-z0-9]|[A-Za-z0-9]';

export const WORKSPACE_ID_REGEX = `^/subscriptions/(${guid})/resourceGroups/(${resourceGroup})/providers/Microsoft\\.OperationalInsights/workspaces/(${workspaceName})/?$`;

const embeddedWorkspaceId = new RegExp(
	`/subscriptions/(${guid})/resource[Gg]roups/(${resourceGroup})/providers/Microsoft\\.OperationalInsights/workspaces/(${workspaceName})(?=$|[/?#&'"\\s])`,
	'i',
);

export function workspaceArmId(subscriptionId: string, group: string, name: string): string {
	return `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
}

function fromParts(subscriptionId: string, group: string, name: string): WorkspaceRef {
	return {
		subscriptionId: subscriptionId.toLowerCase(),
		resourceGroup: group,
		workspaceName: name,
		armId: workspaceArmId(subscriptionId.toLowerCase(), group, name),
	};
}

/** Parses an ARM resource ID, or any text (such as a portal URL) that contains one, URL-encoded or not. */
export function parseWorkspaceId(text: string): WorkspaceRef | undefined {
	let candidate = text.trim();
	// Portal URLs encode the resource ID once or twice (e.g. %252F inside #view/... blades).
	for (let i = 0; i < 3; i++) {
		const match = embeddedWorkspaceId.exec(candidate);
		if (match) return fromParts(match[1], match[2], match[3]);
		try {
			const decoded = decodeURIComponent(candidate);
			if (decoded === candidate) break;
			candidate = decoded;
		} catch {
			break;
		}
	}
	return undefined;
}

/**
 * Parses a portal link. Azure portal links carry the ARM ID in their path or fragment. Defender portal
 * (security.microsoft.com) links to Sentinel carry the workspace as query parameters; the parameter names
 * accepted here (`sid`/`subscriptionId`, `rg`/`resourceGroup`, `ws`/`workspaceName`/`workspace`) are the ones seen in
 * such links, and an ARM ID anywhere in the link also works.
 */
export function parseWorkspaceUrl(text: string): WorkspaceRef | undefined {
	const embedded = parseWorkspaceId(text);
	if (embedded) return embedded;
	let url: URL;
	try {
		url = new URL(text.trim());
	} catch {
		return undefined;
	}
	const params = new URLSearchParams(url.search);
	const hashQuery = url.hash.includes('?') ? new URLSearchParams(url.hash.slice(url.hash.indexOf('?') + 1)) : undefined;
	const read = (...names: string[]) => {
		for (const name of names) {
			const value = params.get(name) ?? hashQuery?.get(name);
			if (value) return value;
		}
		return undefined;
	};
	const subscriptionId = read('sid', 'subscriptionId');
	const group = read('rg', 'resourceGroup', 'resourceGroupName');
	const name = read('ws', 'workspaceName', 'workspace');
	if (
		subscriptionId &&
		group &&
		name &&
		new RegExp(`^${guid}$`).test(subscriptionId) &&
		new RegExp(`^(${resourceGroup})$`).test(group) &&
		new RegExp(`^(${workspaceName})$`).test(name)
	) {
		return fromParts(subscriptionId, group, name);
	}
	return undefined;
}

export interface WorkspaceLocatorValue {
	mode?: string;
	value?: unknown;
}

/** Reads the workspace resource locator in any of its modes; undefined when it names no workspace. */
export function parseWorkspaceLocator(locator: WorkspaceLocatorValue | string | undefined): WorkspaceRef | undefined {
	if (locator === undefined || locator === null) return undefined;
	if (typeof locator === 'string') return parseWorkspaceId(locator) ?? parseWorkspaceUrl(locator);
	const value = typeof locator.value === 'string' ? locator.value : '';
	if (!value.trim()) return undefined;
	return locator.mode === 'url' ? parseWorkspaceUrl(value) : (parseWorkspaceId(value) ?? parseWorkspaceUrl(value));
}

/** Portal link to the workspace's incident list, for output items. */
export function workspacePortalUrl(portal: string, workspace: WorkspaceRef): string {
	return `${portal}/#view/Microsoft_Azure_Security_Insights/MainMenuBlade/~/Incidents/id/${encodeURIComponent(workspace.armId)}`;
}
