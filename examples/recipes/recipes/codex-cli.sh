# Codex reads its model providers from $CODEX_HOME/config.toml (~/.codex by default); here a home of its own.
export CODEX_HOME="$(mktemp -d)"
trap 'rm -rf "$CODEX_HOME"' EXIT
cat > "$CODEX_HOME/config.toml" <<TOML
model = "gpt-5.5"
model_provider = "agentwall"
check_for_update_on_startup = false
analytics.enabled = false
features.plugins = false  # else it looks up github.com for its plugin catalogue

[model_providers.agentwall]
name = "AgentWall"
base_url = "$AGENTWALL_BASE_URL"  # e.g. http://localhost:8000/v1
env_key = "AGENTWALL_API_KEY"  # the variable holding an AgentWall key, never the provider's
wire_api = "responses"
env_http_headers = { "X-AgentWall-Run-ID" = "AGENTWALL_RUN_ID" }  # the run id, from that variable
TOML
export AGENTWALL_RUN_ID="ticket-$(date +%s)-$$"  # one run per task
ask() { codex exec --skip-git-repo-check --sandbox read-only "$1" < /dev/null; }  # its commands run read-only

ask 'Plan the migration'
# The same task again in the same run: its tool exchange repeats the first session's (A, B, A, B): blocked.
# Codex drops the body of a 429 (it prints "exceeded retry limit, last status: 429"); the run says why.
ask 'Plan the migration' || {
  echo "blocked: exit $?"
  curl -s -H "Authorization: Bearer $AGENTWALL_API_KEY" "$AGENTWALL_ORIGIN/agentwall/runs/$AGENTWALL_RUN_ID" \
    | grep -o '"blocked":\[[^]]*]'
}
