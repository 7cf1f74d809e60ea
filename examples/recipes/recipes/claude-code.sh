export ANTHROPIC_BASE_URL="$AGENTWALL_ORIGIN"  # the mount point, without /v1: e.g. http://localhost:8000
export ANTHROPIC_AUTH_TOKEN="$AGENTWALL_API_KEY"  # an AgentWall key, never the provider's (sent as a Bearer token)
export ANTHROPIC_CUSTOM_HEADERS="X-AgentWall-Run-ID: ticket-$(date +%s)-$$"  # one run per task
export CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1  # else telemetry goes to Anthropic directly, around AgentWall
ask() { claude -p "$1" --tools Read --permission-mode dontAsk < /dev/null; }  # read-only; nothing is asked

ask 'Plan the migration'
# The same task again in the same run: its first request passes (one recurrence is not a loop), then its tool
# exchange repeats the first session's (A, B, A, B): blocked. Claude Code prints AgentWall's message, exits 1.
ask 'Plan the migration' || echo "blocked: exit $?"
