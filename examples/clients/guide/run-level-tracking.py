# The users' guide example "Run-Level Tracking", run against a local AgentWall by examples/clients/test/guide-python.test.ts.
import os

# The guide calls AgentWallClient(API_KEY) without a base URL, so its hard-coded default would bypass BASE_URL:
# that default is the one other line changed here, to BASE_URL.
# ---- verbatim from the guide below this line (only API_KEY / BASE_URL read from the environment) ----
import requests
import uuid

API_KEY = os.environ["AGENTWALL_API_KEY"]
BASE_URL = os.environ["AGENTWALL_BASE_URL"]

class AgentWallClient:
    def __init__(self, api_key, base_url=BASE_URL):
        self.api_key = api_key
        self.base_url = base_url
        self.headers = {
            "Authorization": f"Bearer {api_key}",
            "Content-Type": "application/json"
        }
    
    def create_run(self):
        """Create a new run ID for tracking"""
        return str(uuid.uuid4())
    
    def chat(self, messages, run_id=None, model="gpt-4o-mini"):
        """Send a chat completion with run tracking"""
        
        payload = {
            "model": model,
            "messages": messages,
            "temperature": 0.7
        }
        
        # Add run ID to track multi-step tasks
        if run_id:
            payload["agentwall_run_id"] = run_id
        
        response = requests.post(
            f"{self.base_url}/v1/chat/completions",
            json=payload,
            headers=self.headers
        )
        
        response.raise_for_status()
        return response.json()

# Example: Multi-step task
client = AgentWallClient(API_KEY)
run_id = client.create_run()

# Step 1: Analyze problem
messages = [{"role": "user", "content": "Analyze this data: [1,2,3,4,5]"}]
result1 = client.chat(messages, run_id=run_id)
print(f"Step 1: {result1['choices'][0]['message']['content']}")

# Step 2: Generate solution (same run_id)
messages = [
    {"role": "user", "content": "Analyze this data: [1,2,3,4,5]"},
    {"role": "assistant", "content": result1['choices'][0]['message']['content']},
    {"role": "user", "content": "Now generate a solution"}
]
result2 = client.chat(messages, run_id=run_id)
print(f"Step 2: {result2['choices'][0]['message']['content']}")

# AgentWall tracks both steps under the same run_id
# If loop detected, request will be blocked with 429 status
