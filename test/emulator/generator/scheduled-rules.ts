// The single place that names the Log Analytics tables and KQL the emulated scheduled analytics rules use.
// A later Log Analytics module seeds these tables so an alert's `additionalData.Query` can be re-run.
import type { AttackTactic, EntityKind, IncidentSeverity } from '../arm/sentinel/model';

export const SEEDED_TABLES = ['SigninLogs', 'SecurityEvent', 'DeviceProcessEvents', 'OfficeActivity'] as const;
export type SeededTable = (typeof SEEDED_TABLES)[number];

export interface ScheduledRule {
	key: string;
	/** Stable alert-rule GUID (the `alertRules/{id}` in relatedAnalyticRuleIds). */
	ruleId: string;
	ruleName: string;
	description: string;
	tables: SeededTable[];
	query: string;
	/** .NET timespan, as in `additionalData['Query Period']`. */
	queryPeriod: string;
	triggerOperator: 'GreaterThan';
	triggerThreshold: number;
	severity: IncidentSeverity;
	tactics: AttackTactic[];
	entityKinds: EntityKind[];
	remediationSteps: string[];
}

export const SCHEDULED_RULES: readonly ScheduledRule[] = [
	{
		key: 'signin-bruteforce',
		ruleId: '7b2e0c61-3a4f-4f6b-9d1e-2b5c8a7e4f10',
		ruleName: 'Brute force attack against Azure Portal',
		description: 'Identifies evidence of brute force activity against the Azure Portal: many failed sign-ins from one IP address followed by a success.',
		tables: ['SigninLogs'],
		query: [
			'let failureCountThreshold = 10;',
			'SigninLogs',
			'| where AppDisplayName has "Azure Portal"',
			'| summarize FailedCount = countif(ResultType != "0"), SuccessCount = countif(ResultType == "0"), StartTime = min(TimeGenerated), EndTime = max(TimeGenerated) by UserPrincipalName, IPAddress',
			'| where FailedCount >= failureCountThreshold and SuccessCount > 0',
			'| extend AccountCustomEntity = UserPrincipalName, IPCustomEntity = IPAddress',
		].join('\n'),
		queryPeriod: '1.00:00:00',
		triggerOperator: 'GreaterThan',
		triggerThreshold: 0,
		severity: 'Medium',
		tactics: ['CredentialAccess'],
		entityKinds: ['Account', 'Ip'],
		remediationSteps: ['Reset the password of the affected account.', 'Block the source IP address in Conditional Access.'],
	},
	{
		key: 'signin-password-spray',
		ruleId: 'a1f4d2c3-8e6b-4c1a-b7d9-5e3f2a1c0d98',
		ruleName: 'Password spray attack against Microsoft Entra ID application',
		description: 'A single IP address failed to sign in to many distinct accounts within a short time window.',
		tables: ['SigninLogs'],
		query: [
			'SigninLogs',
			'| where ResultType in ("50126", "50053")',
			'| summarize DistinctAccounts = dcount(UserPrincipalName), Accounts = make_set(UserPrincipalName, 50), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by IPAddress, AppDisplayName',
			'| where DistinctAccounts > 5',
			'| extend IPCustomEntity = IPAddress',
		].join('\n'),
		queryPeriod: '05:00:00',
		triggerOperator: 'GreaterThan',
		triggerThreshold: 0,
		severity: 'High',
		tactics: ['CredentialAccess', 'InitialAccess'],
		entityKinds: ['Ip', 'Account'],
		remediationSteps: ['Require MFA for the targeted accounts.', 'Review successful sign-ins from the source IP address.'],
	},
	{
		key: 'encoded-powershell',
		ruleId: '3c9d8e7f-1a2b-4c5d-8e9f-0a1b2c3d4e5f',
		ruleName: 'Suspicious encoded PowerShell command line',
		description: 'A process ran PowerShell with a base64-encoded command, a common way to hide malicious scripts.',
		tables: ['DeviceProcessEvents'],
		query: [
			'DeviceProcessEvents',
			'| where FileName in~ ("powershell.exe", "pwsh.exe")',
			'| where ProcessCommandLine has_any ("-enc", "-EncodedCommand", "FromBase64String")',
			'| project TimeGenerated, DeviceName, AccountName, AccountDomain, ProcessCommandLine, InitiatingProcessFileName, SHA256',
			'| extend HostCustomEntity = DeviceName, AccountCustomEntity = AccountName',
		].join('\n'),
		queryPeriod: '01:00:00',
		triggerOperator: 'GreaterThan',
		triggerThreshold: 0,
		severity: 'High',
		tactics: ['Execution', 'DefenseEvasion'],
		entityKinds: ['Host', 'Account', 'Process', 'File', 'FileHash'],
		remediationSteps: ['Isolate the device.', 'Decode the command line and check for downloaded payloads.'],
	},
	{
		key: 'local-admin-added',
		ruleId: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
		ruleName: 'User account added to local Administrators group',
		description: 'A user account was created or added to the built-in Administrators group on a server.',
		tables: ['SecurityEvent'],
		query: [
			'SecurityEvent',
			'| where EventID in (4720, 4732)',
			'| where TargetUserName == "Administrators" or EventID == 4720',
			'| project TimeGenerated, Computer, SubjectUserName, SubjectDomainName, MemberName, TargetUserName, EventID',
			'| extend HostCustomEntity = Computer, AccountCustomEntity = SubjectUserName',
		].join('\n'),
		queryPeriod: '1.00:00:00',
		triggerOperator: 'GreaterThan',
		triggerThreshold: 0,
		severity: 'Medium',
		tactics: ['Persistence', 'PrivilegeEscalation'],
		entityKinds: ['Host', 'Account'],
		remediationSteps: ['Confirm the change with the server owner.', 'Remove the account from the Administrators group if not expected.'],
	},
	{
		key: 'rare-system-process',
		ruleId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
		ruleName: 'Rare process running as SYSTEM on a server',
		description: 'A process that has not been seen on this host in the last 14 days started under the SYSTEM account.',
		tables: ['SecurityEvent'],
		query: [
			'SecurityEvent',
			'| where EventID == 4688 and SubjectUserSid == "S-1-5-18"',
			'| summarize Count = count(), FirstSeen = min(TimeGenerated) by Computer, NewProcessName, CommandLine',
			'| where Count < 3',
			'| extend HostCustomEntity = Computer',
		].join('\n'),
		queryPeriod: '14.00:00:00',
		triggerOperator: 'GreaterThan',
		triggerThreshold: 0,
		severity: 'Low',
		tactics: ['Execution', 'Persistence'],
		entityKinds: ['Host', 'Process', 'File'],
		remediationSteps: ['Check the binary reputation.', 'Review services and scheduled tasks on the host.'],
	},
	{
		key: 'sharepoint-mass-download',
		ruleId: 'c4d3e2f1-0a9b-4c8d-b7e6-f5a4b3c2d1e0',
		ruleName: 'Mass download from SharePoint Online',
		description: 'A user downloaded an unusually high number of files from SharePoint Online or OneDrive within an hour.',
		tables: ['OfficeActivity'],
		query: [
			'OfficeActivity',
			'| where OfficeWorkload in ("SharePoint", "OneDrive") and Operation in ("FileDownloaded", "FileSyncDownloadedFull")',
			'| summarize Downloads = count(), Files = make_set(SourceFileName, 20) by UserId, ClientIP, bin(TimeGenerated, 1h)',
			'| where Downloads > 50',
			'| extend AccountCustomEntity = UserId, IPCustomEntity = ClientIP',
		].join('\n'),
		queryPeriod: '1.00:00:00',
		triggerOperator: 'GreaterThan',
		triggerThreshold: 0,
		severity: 'Medium',
		tactics: ['Collection', 'Exfiltration'],
		entityKinds: ['Account', 'Ip', 'Url'],
		remediationSteps: ['Confirm the activity with the user.', 'Revoke sessions if the activity is not expected.'],
	},
	{
		key: 'inbox-forwarding-rule',
		ruleId: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
		ruleName: 'Mail forwarding rule to an external domain',
		description: 'A new inbox rule forwards or redirects mail to an address outside the organisation.',
		tables: ['OfficeActivity'],
		query: [
			'OfficeActivity',
			'| where OfficeWorkload == "Exchange" and Operation in~ ("New-InboxRule", "Set-InboxRule")',
			'| where Parameters has_any ("ForwardTo", "RedirectTo", "ForwardAsAttachmentTo")',
			'| project TimeGenerated, UserId, ClientIP, Operation, Parameters',
			'| extend AccountCustomEntity = UserId, IPCustomEntity = ClientIP',
		].join('\n'),
		queryPeriod: '1.00:00:00',
		triggerOperator: 'GreaterThan',
		triggerThreshold: 0,
		severity: 'Medium',
		tactics: ['Collection', 'Exfiltration'],
		entityKinds: ['Account', 'Mailbox', 'Ip'],
		remediationSteps: ['Remove the inbox rule.', 'Reset the user password and review mailbox audit logs.'],
	},
];

export function findScheduledRule(key: string): ScheduledRule | undefined {
	return SCHEDULED_RULES.find((rule) => rule.key === key);
}
