#!/usr/bin/env bash
# Sets up Azure for n8n-nodes-sentinel-signl4 in one command, with the Azure CLI (`az`), least privilege:
#   an Entra ID app registration + service principal + client secret (or an uploaded certificate),
#   a custom role with exactly the actions the chosen nodes call, assigned at the Sentinel workspace,
#   optionally Microsoft Graph application permissions (Defender XDR) with admin consent,
#   and an n8n credential file for `n8n import:credentials` (mode 600; the secret is in that file only).
# Idempotent: a rerun changes nothing and says so. --dry-run prints every change instead of making it;
# --remove undoes what it created. Full documentation: docs/setup-azure.md.
set -euo pipefail
if [ "${BASH_VERSINFO[0]}" -lt 4 ]; then
	echo "setup-azure: needs bash 4 or newer (Linux, Azure Cloud Shell, WSL; on macOS: brew install bash)" >&2
	exit 1
fi

usage() {
	cat <<'EOF'
Usage: scripts/setup-azure.sh [options]

  --workspace ID        Azure resource ID of the Sentinel (Log Analytics) workspace
                        (/subscriptions/…/resourceGroups/…/providers/Microsoft.OperationalInsights/workspaces/NAME);
                        without it the workspaces of the subscription are listed to pick from
  --subscription ID     subscription to use (default: az's current one, or the workspace's)
  --tenant ID           the tenant to set up (MSSP: one run per customer tenant); az must be signed in to it
  --app-name NAME       app registration's display name (default: n8n-sentinel-signl4)
  --role-name NAME      custom role's name (default: "n8n Sentinel SIGNL4 (<app name>)")
  --grant LIST          parts to grant, comma-separated (default: poll,writeback,enrich):
                          poll       Microsoft Sentinel Trigger, Get / Get Many (read incidents, alerts, entities, comments)
                          writeback  Microsoft Sentinel Update and Add Comment (write incidents and comments)
                          enrich     Azure Log Analytics node (query the workspace)
                          graph      Microsoft Graph SecurityIncident.ReadWrite.All + SecurityAlert.ReadWrite.All (Defender XDR)
                          graph-read Microsoft Graph SecurityIncident.Read.All + SecurityAlert.Read.All
  --secret-years N      client secret lifetime in years (default 1)
  --secret-end-date D   client secret expiry date (YYYY-MM-DD) instead of --secret-years
  --cert-file PEM       certificate instead of a secret: the PEM n8n signs in with (private key + certificate);
                        its certificate (public part) is uploaded, the whole PEM goes into the credential file
  --credential-file F   where to write the n8n credential JSON (default: ./n8n-azure-credential.json)
  --ca-file PEM         CA certificate to put into the credential (TLS-inspecting proxy, private endpoint)
  --show-secret         also print the client secret (default: only in the credential file)
  --dry-run             print every change, make none
  --remove              undo what this script created (assignment, custom role, Graph grants, app, credential file)
  --yes                 never prompt (missing values are errors)
  -h, --help            this help

MSSP, one app per customer tenant:
  for tenant in 11111111-… 22222222-…; do
    az login --tenant "$tenant" && scripts/setup-azure.sh --tenant "$tenant" --yes \
      --workspace "$(az monitor log-analytics workspace list --query '[0].id' -o tsv)" \
      --credential-file "n8n-azure-$tenant.json"
  done
EOF
}

workspace=''
subscription=''
tenant=''
app_name='n8n-sentinel-signl4'
role_name=''
grant='poll,writeback,enrich'
secret_years='1'
secret_end_date=''
cert_file=''
credential_file='./n8n-azure-credential.json'
ca_file=''
show_secret=0
dry_run=0
remove=0
assume_yes=0

while [ $# -gt 0 ]; do
	case "$1" in
	--workspace) workspace=$2; shift 2 ;;
	--subscription) subscription=$2; shift 2 ;;
	--tenant) tenant=$2; shift 2 ;;
	--app-name) app_name=$2; shift 2 ;;
	--role-name) role_name=$2; shift 2 ;;
	--grant) grant=$2; shift 2 ;;
	--secret-years) secret_years=$2; shift 2 ;;
	--secret-end-date) secret_end_date=$2; shift 2 ;;
	--cert-file) cert_file=$2; shift 2 ;;
	--credential-file) credential_file=$2; shift 2 ;;
	--ca-file) ca_file=$2; shift 2 ;;
	--show-secret) show_secret=1; shift ;;
	--dry-run) dry_run=1; shift ;;
	--remove) remove=1; shift ;;
	--yes | -y) assume_yes=1; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "Unknown option: $1 (see --help)" >&2; exit 2 ;;
	esac
done

role_file=''
public_cert=''
trap 'rm -f "$role_file" "$public_cert"' EXIT
interactive=0
if [ "$assume_yes" = 0 ] && [ -t 0 ]; then interactive=1; fi

fail() { echo "setup-azure: $*" >&2; exit 1; }
say() { echo "$*"; }
changes=0
# Prints a change; runs it unless --dry-run. Arguments after the description are the command.
change() {
	local description=$1
	shift
	changes=$((changes + 1))
	if [ "$dry_run" = 1 ]; then
		say "  would $description"
		local shown=("$@")
		[ "$1" != arm ] || shown=(az rest --method "$2" --url "$arm_url$3" "${@:4}")
		say "      \$ $(printf '%q ' "${shown[@]}")"
		return 0
	fi
	say "  $description"
	"$@"
}

command -v az >/dev/null 2>&1 || fail "the Azure CLI (az) is not installed: https://aka.ms/azure-cli (Azure Cloud Shell has it)"
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to write JSON files (the Azure CLI ships with Python)"

# ------------------------------------------------------------------------------------------------ signed-in account
account_json=$(az account show -o json 2>/dev/null) || fail "az is not signed in: run 'az login${tenant:+ --tenant $tenant}' first"
# Prints a Python expression over the JSON on stdin (`d`; the environment as `env`): az's own Python, no jq needed.
json_get() { python3 -c 'import json, os, sys; t = sys.stdin.read(); d = json.loads(t) if t.strip() else None; print(eval(sys.argv[1], {"d": d, "env": os.environ}) or "")' "$1"; }
current_tenant=$(printf '%s' "$account_json" | json_get 'd["tenantId"]')
if [ -n "$tenant" ] && [ "${tenant,,}" != "${current_tenant,,}" ]; then
	fail "az is signed in to tenant $current_tenant, not $tenant: run 'az login --tenant $tenant' first"
fi
tenant=$current_tenant
if [ -z "$subscription" ] && [ -n "$workspace" ]; then
	subscription=$(printf '%s' "$workspace" | sed -nE 's#^/subscriptions/([^/]+)/.*#\1#p')
fi
current_subscription=$(printf '%s' "$account_json" | json_get 'd["id"]')
if [ -n "$subscription" ] && [ "${subscription,,}" != "${current_subscription,,}" ]; then
	# Checked, not made az's default: the script names the subscription in every call, the user's az stays as it was.
	az account show --subscription "$subscription" --query id -o tsv >/dev/null 2>&1 || fail "subscription $subscription is not available to the signed-in account"
else
	subscription=${subscription:-$current_subscription}
fi
cloud_json=$(az cloud show -o json)
cloud_name=$(printf '%s' "$cloud_json" | json_get 'd["name"]')
graph_resource=$(printf '%s' "$cloud_json" | json_get 'd["endpoints"].get("microsoftGraphResourceId")')
graph_url=${graph_resource%/}
arm_url=$(printf '%s' "$cloud_json" | json_get 'd["endpoints"]["resourceManager"]')
arm_url=${arm_url%/}
arm_resource=$(printf '%s' "$cloud_json" | json_get 'd["endpoints"]["activeDirectoryResourceId"]')
# Microsoft.Authorization through `az rest`: `az role definition list` of Debian's azure-cli 2.45 crashes
# ('RoleDefinitionsOperations' object has no attribute 'config'), and the REST calls are the same on every az version.
authz_api='api-version=2022-04-01'
arm() { az rest --resource "$arm_resource" --method "$1" --url "$arm_url$2" "${@:3}"; }
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
new_guid() { python3 -c 'import uuid; print(uuid.uuid4())'; }
say "Tenant $tenant, subscription $subscription, cloud $cloud_name"

# ------------------------------------------------------------------------------------------------ workspace
if [ -z "$workspace" ]; then
	mapfile -t workspaces < <(az monitor log-analytics workspace list --subscription "$subscription" --query '[].id' -o tsv)
	[ "${#workspaces[@]}" -gt 0 ] || fail "no Log Analytics workspace in subscription $subscription; pass --workspace <resource ID>"
	if [ "${#workspaces[@]}" = 1 ]; then
		workspace=${workspaces[0]}
	elif [ "$interactive" = 1 ]; then
		say "Which workspace is your Sentinel workspace?"
		select choice in "${workspaces[@]}"; do
			if [ -n "$choice" ]; then workspace=$choice; break; fi
		done
	else
		printf '  %s\n' "${workspaces[@]}" >&2
		fail "${#workspaces[@]} workspaces in subscription $subscription: pass one with --workspace"
	fi
fi
workspace=$(az monitor log-analytics workspace show --ids "$workspace" --query id -o tsv 2>/dev/null) || fail "workspace not found or not readable: $workspace"
say "Workspace $workspace"

# ------------------------------------------------------------------------------------------------ what to grant
# The Azure actions each part of the package calls (docs/setup-azure.md lists the calls behind each).
actions=()
graph_roles=()
add_action() { local a; for a in "$@"; do [[ " ${actions[*]-} " == *" $a "* ]] || actions+=("$a"); done; }
IFS=',' read -r -a parts <<<"$grant"
for part in "${parts[@]}"; do
	case "$part" in
	poll)
		add_action Microsoft.OperationalInsights/workspaces/read Microsoft.SecurityInsights/incidents/read \
			Microsoft.SecurityInsights/incidents/alerts/read Microsoft.SecurityInsights/incidents/entities/read \
			Microsoft.SecurityInsights/incidents/comments/read ;;
	writeback)
		add_action Microsoft.SecurityInsights/incidents/read Microsoft.SecurityInsights/incidents/write \
			Microsoft.SecurityInsights/incidents/comments/read Microsoft.SecurityInsights/incidents/comments/write ;;
	enrich)
		add_action Microsoft.OperationalInsights/workspaces/read Microsoft.OperationalInsights/workspaces/query/read \
			Microsoft.SecurityInsights/incidents/alerts/read ;;
	graph) graph_roles=(SecurityIncident.ReadWrite.All SecurityAlert.ReadWrite.All) ;;
	graph-read) graph_roles=(SecurityIncident.Read.All SecurityAlert.Read.All) ;;
	'') ;;
	*) fail "unknown part '$part' in --grant (poll, writeback, enrich, graph, graph-read)" ;;
	esac
done
mapfile -t actions < <(printf '%s\n' "${actions[@]-}" | sed '/^$/d' | sort)
role_name=${role_name:-"n8n Sentinel SIGNL4 ($app_name)"}
secret_name='n8n (setup-azure.sh)'
graph_app_id='00000003-0000-0000-c000-000000000000'

say "Custom role '$role_name' with ${#actions[@]} actions:"
printf '    %s\n' "${actions[@]-}"
equivalent='Microsoft Sentinel Reader'
[[ "$grant" == *writeback* ]] && equivalent='Microsoft Sentinel Responder'
[[ "$grant" == *enrich* ]] && equivalent="$equivalent + Log Analytics Reader"
say "  (built-in roles that would cover the same, with more rights: $equivalent)"

# ------------------------------------------------------------------------------------------------ look up what exists
# One read of the app registration: ids, our secret, certificates and the Graph permissions it declares.
apps_json=$(az ad app list --display-name "$app_name" --query "[?displayName=='$app_name']" -o json)
[ "$(printf '%s' "$apps_json" | json_get 'str(len(d))')" -le 1 ] || fail "more than one app registration is named '$app_name': pass another --app-name"
app_field() { printf '%s' "$apps_json" | json_get "$1"; }
app_object_id=$(app_field 'd[0]["id"] if d else ""')
app_id=$(app_field 'd[0]["appId"] if d else ""')
existing_secret=$(SECRET_NAME=$secret_name app_field '"\n".join(c["keyId"] for c in (d[0]["passwordCredentials"] if d else []) if c.get("displayName") == env["SECRET_NAME"])')
known_certs=$(app_field '"\n".join((c.get("customKeyIdentifier") or "").upper() for c in (d[0]["keyCredentials"] if d else []))')
declared=$(GRAPH_APP_ID=$graph_app_id app_field '"\n".join(a["id"] for r in (d[0]["requiredResourceAccess"] if d else []) if r["resourceAppId"] == env["GRAPH_APP_ID"] for a in r["resourceAccess"])')
sp_id=''
[ -z "$app_id" ] || sp_id=$(az ad sp list --filter "appId eq '$app_id'" --query '[0].id' -o tsv)
role_scope=${workspace%%/providers/*}
role_json=$(arm GET "/subscriptions/$subscription/providers/Microsoft.Authorization/roleDefinitions?$authz_api&\$filter=$(urlencode "roleName eq '$role_name'")" \
	--query "value[?properties.type=='CustomRole'] | [0]" -o json)
role_id=$(printf '%s' "$role_json" | json_get 'd["id"] if d else ""')
role_guid=${role_id##*/}
assignment_ids=''
if [ -n "$sp_id" ] && [ -n "$role_id" ]; then
	assignment_ids=$(arm GET "$workspace/providers/Microsoft.Authorization/roleAssignments?$authz_api&\$filter=$(urlencode "principalId eq '$sp_id'")" \
		--query "value[?ends_with(to_string(properties.roleDefinitionId), '$role_guid') && properties.scope=='$workspace'].id" -o tsv)
fi

# ------------------------------------------------------------------------------------------------ --remove
if [ "$remove" = 1 ]; then
	say "Removing what setup-azure.sh created for '$app_name':"
	for assignment in $assignment_ids; do change "delete role assignment $assignment" arm DELETE "$assignment?$authz_api" --output none; done
	if [ -n "$role_id" ]; then
		others=$(arm GET "/subscriptions/$subscription/providers/Microsoft.Authorization/roleAssignments?$authz_api" \
			--query "value[?ends_with(to_string(properties.roleDefinitionId), '$role_guid') && properties.principalId!='$sp_id'].id" -o tsv)
		if [ -n "$others" ]; then
			say "  keeping custom role '$role_name': other principals still have it"
		else
			change "delete custom role '$role_name'" arm DELETE "/subscriptions/$subscription/providers/Microsoft.Authorization/roleDefinitions/$role_guid?$authz_api" --output none
		fi
	fi
	# Deleting the app registration deletes its service principal, secrets and Graph permission grants with it.
	[ -z "$app_object_id" ] || change "delete app registration '$app_name' ($app_id) with its service principal and secrets" az ad app delete --id "$app_object_id"
	if [ -f "$credential_file" ] && [ -n "$app_id" ] && grep -q "$app_id" "$credential_file"; then
		change "delete the credential file $credential_file" rm -f "$credential_file"
	fi
	if [ "$changes" = 0 ]; then say "Nothing to remove: no app registration '$app_name' and no custom role '$role_name'."; fi
	exit 0
fi

# ------------------------------------------------------------------------------------------------ app + service principal
say "App registration '$app_name':"
if [ -z "$app_object_id" ]; then
	if [ "$dry_run" = 1 ]; then
		change "create app registration '$app_name' (single tenant)" az ad app create --display-name "$app_name" --sign-in-audience AzureADMyOrg
		app_id='<new app id>'
	else
		change "create app registration '$app_name' (single tenant)" true
		mapfile -t created < <(az ad app create --display-name "$app_name" --sign-in-audience AzureADMyOrg --query '[id, appId]' -o tsv)
		app_object_id=${created[0]}
		app_id=${created[1]}
	fi
else
	say "  exists (client ID $app_id), kept"
fi
if [ -z "$sp_id" ]; then
	if [ "$dry_run" = 1 ]; then
		change "create its service principal" az ad sp create --id "$app_id"
		sp_id='<new service principal id>'
	else
		change "create its service principal" true
		sp_id=$(az ad sp create --id "$app_id" --query id -o tsv)
	fi
else
	say "  service principal exists ($sp_id), kept"
fi

# ------------------------------------------------------------------------------------------------ secret or certificate
client_secret=''
auth_method=clientSecret
if [ -n "$cert_file" ]; then
	auth_method=certificate
	[ -r "$cert_file" ] || fail "cannot read $cert_file"
	command -v openssl >/dev/null 2>&1 || fail "openssl is needed to read $cert_file"
	grep -q 'PRIVATE KEY-----' "$cert_file" || fail "$cert_file has no private key: n8n signs in with the private key and its certificate in one PEM"
	public_cert=$(mktemp)
	openssl x509 -in "$cert_file" -out "$public_cert" 2>/dev/null || fail "$cert_file has no certificate"
	thumbprint=$(openssl x509 -in "$public_cert" -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
	if grep -qix "$thumbprint" <<<"$known_certs"; then
		say "  certificate $thumbprint already uploaded, kept"
	else
		change "upload certificate $thumbprint" az ad app credential reset --id "$app_id" --cert "@$public_cert" --append --output none
	fi
else
	if [ -n "$existing_secret" ] && [ -f "$credential_file" ] && grep -q "$app_id" "$credential_file"; then
		say "  client secret '$secret_name' exists and $credential_file holds it, kept"
	else
		[ -z "$existing_secret" ] || say "  a secret '$secret_name' exists but $credential_file does not hold it: adding a new one (the old one stays until it expires or you delete it)"
		expiry=(--years "$secret_years")
		[ -z "$secret_end_date" ] || expiry=(--end-date "$secret_end_date")
		if [ "$dry_run" = 1 ]; then
			change "add client secret '$secret_name' (${expiry[*]})" az ad app credential reset --id "$app_id" --append --display-name "$secret_name" "${expiry[@]}"
		else
			change "add client secret '$secret_name' (${expiry[*]})" true
			client_secret=$(az ad app credential reset --id "$app_id" --append --display-name "$secret_name" "${expiry[@]}" --query password -o tsv)
		fi
	fi
fi

# ------------------------------------------------------------------------------------------------ custom role
# Assignable at the workspace's resource group (custom roles take subscriptions and resource groups as assignable
# scopes), assigned at the workspace itself.
say "Custom role '$role_name':"
role_file=$(mktemp)
write_role() {
	ROLE_NAME=$role_name SCOPE=$role_scope python3 -c '
import json, os, sys
print(json.dumps({"properties": {"roleName": os.environ["ROLE_NAME"], "type": "CustomRole",
    "description": "n8n-nodes-sentinel-signl4: exactly the actions its nodes call (scripts/setup-azure.sh)",
    "permissions": [{"actions": sys.argv[1:], "notActions": [], "dataActions": [], "notDataActions": []}],
    "assignableScopes": [os.environ["SCOPE"]]}}))' "${actions[@]}" >"$role_file"
}
if [ -z "$role_id" ]; then
	write_role
	role_guid=$(new_guid)
	role_id="/subscriptions/$subscription/providers/Microsoft.Authorization/roleDefinitions/$role_guid"
	change "create it, assignable in $role_scope" arm PUT "$role_scope/providers/Microsoft.Authorization/roleDefinitions/$role_guid?$authz_api" --body "@$role_file" --output none
else
	current=$(printf '%s' "$role_json" | python3 -c '
import json, sys
p = json.load(sys.stdin)["properties"]
perm = (p.get("permissions") or [{}])[0]
print("\n".join(sorted(perm.get("actions", []))) + "\n--" + "".join("\n!" + a for a in perm.get("notActions", [])) + "\n--\n" + "\n".join(sorted(s.lower() for s in p["assignableScopes"])))')
	wanted=$(printf '%s\n' "${actions[@]}"; printf -- '--\n--\n%s' "${role_scope,,}")
	if [ "$current" = "$wanted" ]; then
		say "  exists with exactly these actions, kept"
	else
		write_role
		change "update it to exactly these actions, assignable in $role_scope" arm PUT "$role_scope/providers/Microsoft.Authorization/roleDefinitions/$role_guid?$authz_api" --body "@$role_file" --output none
	fi
fi
if [ -n "$assignment_ids" ]; then
	say "  assigned to the service principal at the workspace, kept"
else
	assignment_body="{\"properties\":{\"roleDefinitionId\":\"$role_id\",\"principalId\":\"$sp_id\",\"principalType\":\"ServicePrincipal\"}}"
	change "assign it to the service principal at the workspace" arm PUT "$workspace/providers/Microsoft.Authorization/roleAssignments/$(new_guid)?$authz_api" \
		--body "$assignment_body" --output none
fi

# ------------------------------------------------------------------------------------------------ Microsoft Graph
if [ "${#graph_roles[@]}" -gt 0 ]; then
	say "Microsoft Graph application permissions (admin consent):"
	graph_json=$(az ad sp list --filter "appId eq '$graph_app_id'" --query '[0].{id: id, roles: appRoles}' -o json)
	graph_sp=$(printf '%s' "$graph_json" | json_get 'd["id"] if d else ""')
	[ -n "$graph_sp" ] || fail "Microsoft Graph's service principal was not found in the tenant"
	granted=''
	case "$sp_id" in '<'*) ;; *) granted=$(az rest --method GET --resource "$graph_resource" --url "$graph_url/v1.0/servicePrincipals/$sp_id/appRoleAssignments" --query "value[].appRoleId" -o tsv) ;; esac
	for permission in "${graph_roles[@]}"; do
		role=$(PERMISSION=$permission json_get 'next((r["id"] for r in d["roles"] if r["value"] == env["PERMISSION"]), "")' <<<"$graph_json")
		[ -n "$role" ] || fail "Microsoft Graph has no application permission $permission"
		if grep -qx "$role" <<<"$declared"; then :; else
			change "declare $permission on the app registration" az ad app permission add --id "$app_id" --api "$graph_app_id" --api-permissions "$role=Role" --only-show-errors
		fi
		if grep -qx "$role" <<<"$granted"; then
			say "  $permission granted, kept"
		else
			body="{\"principalId\":\"$sp_id\",\"resourceId\":\"$graph_sp\",\"appRoleId\":\"$role\"}"
			change "grant $permission (admin consent)" az rest --method POST --resource "$graph_resource" \
				--url "$graph_url/v1.0/servicePrincipals/$sp_id/appRoleAssignments" --body "$body" --output none
		fi
	done
fi

# ------------------------------------------------------------------------------------------------ n8n credential
say "n8n credential:"
if [ "$dry_run" = 1 ]; then
	[ "$changes" = 0 ] && say "  nothing would change" || say "  would write $credential_file (mode 600)"
	say "Dry run: $changes change(s) listed, none made."
	exit 0
fi
if [ -n "$client_secret" ] || [ ! -f "$credential_file" ]; then
	[ -n "$client_secret" ] || [ "$auth_method" = certificate ] || fail "no secret to write: rerun after deleting the secret '$secret_name' or pass --credential-file of the earlier run"
	(
		umask 077
		CLOUD_JSON=$cloud_json TENANT=$tenant APP_ID=$app_id APP_NAME=$app_name AUTH=$auth_method SECRET=$client_secret \
			CERT_FILE=$cert_file CA_FILE=$ca_file python3 -c '
import json, os
cloud = json.loads(os.environ["CLOUD_JSON"])
endpoints = cloud.get("endpoints", {})
names = {"AzureCloud": "AzurePublic", "AzureUSGovernment": "AzureUSGovernment", "AzureChinaCloud": "AzureChina"}
data = {"tenantId": os.environ["TENANT"], "clientId": os.environ["APP_ID"], "authMethod": os.environ["AUTH"]}
if os.environ["AUTH"] == "clientSecret":
    data["clientSecret"] = os.environ["SECRET"]
else:
    data["certificate"] = open(os.environ["CERT_FILE"], newline="").read()
    data["certificatePassword"] = ""
if cloud["name"] in names:
    data["cloud"] = names[cloud["name"]]
else:
    data.update({"cloud": "Custom", "authorityHost": endpoints.get("activeDirectory", "").rstrip("/"),
                 "armEndpoint": endpoints.get("resourceManager", "").rstrip("/"),
                 "logAnalyticsEndpoint": (endpoints.get("logAnalyticsResourceId") or endpoints.get("resourceManager", "")).rstrip("/"),
                 "graphEndpoint": (endpoints.get("microsoftGraphResourceId") or "").rstrip("/")})
if os.environ["CA_FILE"]:
    data["caCertificate"] = open(os.environ["CA_FILE"], newline="").read()
print(json.dumps([{"id": "azSetup" + os.environ["APP_ID"].replace("-", "")[:8], "name": "Azure " + os.environ["APP_NAME"],
                   "type": "sentinelSignl4AzureApi", "data": data}], indent=2))' >"$credential_file.tmp"
		mv "$credential_file.tmp" "$credential_file"
	)
	chmod 600 "$credential_file"
	say "  wrote $credential_file (mode 600): import it with  n8n import:credentials --input=$credential_file"
	changes=$((changes + 1))
else
	say "  $credential_file exists, kept"
fi

say ""
say "Values for the n8n credential 'Azure Service Principal (Sentinel & Log Analytics) API':"
say "  Tenant ID       $tenant"
say "  Client ID       $app_id"
if [ "$auth_method" = certificate ]; then
	say "  Authentication  Certificate (the PEM of $cert_file, in $credential_file)"
elif [ "$show_secret" = 1 ] && [ -n "$client_secret" ]; then
	say "  Client Secret   $client_secret"
else
	say "  Client Secret   in $credential_file only (--show-secret prints it)"
fi
say "  Workspace       $workspace"
if [ "$changes" = 0 ]; then
	say "No changes: everything was already in place."
else
	say "Done: $changes change(s)."
fi
