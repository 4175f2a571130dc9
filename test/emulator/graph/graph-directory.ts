import { newGuid, randomToken } from '../core/ids';
import type { Directory, Principal } from '../entra/directory';

/** Microsoft Graph's own app id (the resource of its application permissions). */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/**
 * Application permissions of Microsoft Graph that the setup script grants (Defender XDR incidents and alerts), with
 * the app-role ids Microsoft Graph publishes for them (its service principal's `appRoles`).
 */
export const GRAPH_SECURITY_APP_ROLES = [
	{ value: 'SecurityIncident.Read.All', id: '45cc0394-e837-488b-a098-1918f48d186c', displayName: 'Read all security incidents' },
	{ value: 'SecurityIncident.ReadWrite.All', id: '34bf0e97-1971-4929-b999-9e2442d941d7', displayName: 'Read and write to all security incidents' },
	{ value: 'SecurityAlert.Read.All', id: '472e4a4d-bb4a-4026-98d1-0b0d74cb74a5', displayName: 'Read all security alerts' },
	{ value: 'SecurityAlert.ReadWrite.All', id: 'ed4fca05-be46-441f-9803-1873825f8fdb', displayName: 'Read and write to all security alerts' },
] as const;

export interface PasswordCredential {
	keyId: string;
	displayName: string | null;
	startDateTime: string;
	endDateTime: string;
	hint: string;
	/** Kept to sign in with; never returned except in addPassword's answer. */
	secretText: string;
}

export interface KeyCredential {
	keyId: string;
	displayName: string | null;
	type: string;
	usage: string;
	key: string | null;
	startDateTime: string;
	endDateTime: string;
	customKeyIdentifier: string | null;
}

export interface Application {
	id: string;
	appId: string;
	displayName: string;
	signInAudience: string;
	createdDateTime: string;
	passwordCredentials: PasswordCredential[];
	keyCredentials: KeyCredential[];
	requiredResourceAccess: Array<{ resourceAppId: string; resourceAccess: Array<{ id: string; type: string }> }>;
	identifierUris: string[];
}

export interface ServicePrincipal {
	id: string;
	appId: string;
	displayName: string;
	servicePrincipalType: 'Application';
	accountEnabled: boolean;
	appOwnerOrganizationId: string;
	servicePrincipalNames: string[];
	appRoles: Array<{ id: string; value: string; displayName: string; description: string; allowedMemberTypes: string[]; isEnabled: boolean; origin: string }>;
}

export interface AppRoleAssignment {
	id: string;
	principalId: string;
	principalType: 'ServicePrincipal';
	principalDisplayName: string;
	resourceId: string;
	resourceDisplayName: string;
	appRoleId: string;
	createdDateTime: string;
	deletedDateTime: null;
}

/**
 * The directory objects Microsoft Graph serves for app registrations: applications (with their secrets and
 * certificates), service principals (Microsoft Graph's own, with its security app roles; the emulator's principal;
 * and those created by clients) and app-role assignments (application permissions granted with admin consent).
 *
 * An app can sign in (client credentials) once it has a service principal and a password: it is then registered
 * with the Entra ID module's directory under its service principal's object id and its newest secret, as in Entra ID,
 * where a token names the service principal.
 */
export class GraphDirectory {
	readonly applications = new Map<string, Application>();
	readonly servicePrincipals = new Map<string, ServicePrincipal>();
	readonly appRoleAssignments = new Map<string, AppRoleAssignment>();
	/** Sign-in identities this directory registered with Entra ID, by application object id. */
	private readonly signIns = new Map<string, Principal>();

	constructor(private readonly entra: Directory) {
		const graph: ServicePrincipal = {
			id: newGuid(),
			appId: MICROSOFT_GRAPH_APP_ID,
			displayName: 'Microsoft Graph',
			servicePrincipalType: 'Application',
			accountEnabled: true,
			appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a',
			servicePrincipalNames: [MICROSOFT_GRAPH_APP_ID, 'https://graph.microsoft.com'],
			appRoles: GRAPH_SECURITY_APP_ROLES.map((role) => ({
				id: role.id,
				value: role.value,
				displayName: role.displayName,
				description: `Allows the app to ${role.displayName.toLowerCase()} without a signed-in user.`,
				allowedMemberTypes: ['Application'],
				isEnabled: true,
				origin: 'Application',
			})),
		};
		this.servicePrincipals.set(graph.id, graph);
		const own = entra.principal;
		this.servicePrincipals.set(own.objectId, {
			id: own.objectId,
			appId: own.clientId,
			displayName: own.displayName,
			servicePrincipalType: 'Application',
			accountEnabled: true,
			appOwnerOrganizationId: entra.tenantId,
			servicePrincipalNames: [own.clientId],
			appRoles: [],
		});
	}

	get tenantId(): string {
		return this.entra.tenantId;
	}

	/** The emulator's own principal plays the administrator (Application Administrator and Privileged Role Administrator). */
	isAdministrator(objectId: string): boolean {
		return objectId.toLowerCase() === this.entra.principal.objectId;
	}

	findApplication(idOrAppId: string): Application | undefined {
		const key = idOrAppId.toLowerCase();
		return this.applications.get(key);
	}

	findServicePrincipal(id: string): ServicePrincipal | undefined {
		return this.servicePrincipals.get(id.toLowerCase());
	}

	servicePrincipalOf(appId: string): ServicePrincipal | undefined {
		return [...this.servicePrincipals.values()].find((sp) => sp.appId === appId.toLowerCase());
	}

	/** Object ids ARM role assignments may name. */
	principalExists(objectId: string): boolean {
		const id = objectId.toLowerCase();
		return this.servicePrincipals.has(id) || [this.entra.principal, ...this.entra.otherPrincipals].some((p) => p.objectId === id);
	}

	createApplication(displayName: string, signInAudience: string): Application {
		const app: Application = {
			id: newGuid(),
			appId: newGuid(),
			displayName,
			signInAudience,
			createdDateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
			passwordCredentials: [],
			keyCredentials: [],
			requiredResourceAccess: [],
			identifierUris: [],
		};
		this.applications.set(app.id, app);
		return app;
	}

	deleteApplication(app: Application): void {
		this.applications.delete(app.id);
		// Deleting an application deletes its service principal in the home tenant too (and their grants).
		const sp = this.servicePrincipalOf(app.appId);
		if (sp) this.deleteServicePrincipal(sp);
		this.sync(app);
	}

	createServicePrincipal(app: Application): ServicePrincipal {
		const sp: ServicePrincipal = {
			id: newGuid(),
			appId: app.appId,
			displayName: app.displayName,
			servicePrincipalType: 'Application',
			accountEnabled: true,
			appOwnerOrganizationId: this.entra.tenantId,
			servicePrincipalNames: [app.appId],
			appRoles: [],
		};
		this.servicePrincipals.set(sp.id, sp);
		this.sync(app);
		return sp;
	}

	deleteServicePrincipal(sp: ServicePrincipal): void {
		this.servicePrincipals.delete(sp.id);
		for (const [id, assignment] of this.appRoleAssignments) {
			if (assignment.principalId === sp.id || assignment.resourceId === sp.id) this.appRoleAssignments.delete(id);
		}
		const app = [...this.applications.values()].find((candidate) => candidate.appId === sp.appId);
		if (app) this.sync(app);
	}

	addPassword(app: Application, displayName: string | null, endDateTime: string | undefined): PasswordCredential {
		// Shape of real Entra secrets: 3 chars, `8Q~`, then 34 chars; the hint is the first three.
		const secretText = `Grf8Q~${randomToken(30).replace(/[-_]/g, 'x').slice(0, 35)}`;
		const start = new Date();
		const credential: PasswordCredential = {
			keyId: newGuid(),
			displayName,
			startDateTime: start.toISOString(),
			endDateTime: endDateTime ?? new Date(start.getTime() + 2 * 365 * 86_400_000).toISOString(),
			hint: secretText.slice(0, 3),
			secretText,
		};
		app.passwordCredentials.push(credential);
		this.sync(app);
		return credential;
	}

	removePassword(app: Application, keyId: string): boolean {
		const before = app.passwordCredentials.length;
		app.passwordCredentials = app.passwordCredentials.filter((credential) => credential.keyId !== keyId.toLowerCase());
		this.sync(app);
		return app.passwordCredentials.length !== before;
	}

	/** Keeps the app's sign-in identity in the Entra ID directory in step with its service principal and secrets. */
	sync(app: Application): void {
		const sp = this.applications.has(app.id) ? this.servicePrincipalOf(app.appId) : undefined;
		const now = Date.now();
		const secret = [...app.passwordCredentials].reverse().find((credential) => Date.parse(credential.endDateTime) > now);
		const existing = this.signIns.get(app.id);
		if (!sp || !secret) {
			if (existing) {
				const index = this.entra.otherPrincipals.indexOf(existing);
				if (index >= 0) this.entra.otherPrincipals.splice(index, 1);
				this.signIns.delete(app.id);
			}
			return;
		}
		if (existing) {
			existing.clientSecret = secret.secretText;
			existing.objectId = sp.id;
			return;
		}
		const principal: Principal = {
			tenantId: this.entra.tenantId,
			clientId: app.appId,
			clientSecret: secret.secretText,
			certificatePem: '',
			objectId: sp.id,
			displayName: app.displayName,
		};
		this.entra.otherPrincipals.push(principal);
		this.signIns.set(app.id, principal);
	}
}
