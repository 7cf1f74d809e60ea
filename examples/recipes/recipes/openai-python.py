import os
import time
from openai import OpenAI, APIStatusError

client = OpenAI(
    base_url=os.environ["AGENTWALL_BASE_URL"],  # e.g. http://localhost:8000/v1
    api_key=os.environ["AGENTWALL_API_KEY"],  # an AgentWall key, never the provider's
    default_headers={"X-AgentWall-Run-ID": f"ticket-{time.time_ns()}"},  # one run per task
)

def ask(content):
    return client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": content}])

print(ask("Plan the migration").choices[0].message.content)
try:
    ask("Plan the migration")  # the same request again in the same run: a loop
except APIStatusError as e:  # a RateLimitError (429); x-should-retry: false, so no retry
    print(f"blocked: {e.code} ({e.status_code})")
