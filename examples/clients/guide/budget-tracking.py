# The users' guide example "Budget Tracking", run against a local AgentWall by examples/clients/test/guide-python.test.ts.
import os
import requests

API_KEY = os.environ["AGENTWALL_API_KEY"]
BASE_URL = os.environ["AGENTWALL_BASE_URL"]

# ---- verbatim from the guide below this line (only API_KEY / BASE_URL read from the environment) ----
class BudgetAwareClient:
    def __init__(self, api_key, budget_limit=10.0):
        self.api_key = api_key
        self.budget_limit = budget_limit
        self.spent = 0.0
    
    def chat(self, messages, run_id=None):
        """Chat with budget awareness"""
        
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "Content-Type": "application/json"
        }
        
        payload = {
            "model": "gpt-4o-mini",
            "messages": messages
        }
        
        if run_id:
            payload["agentwall_run_id"] = run_id
        
        response = requests.post(
            f"{BASE_URL}/v1/chat/completions",
            json=payload,
            headers=headers
        )
        
        response.raise_for_status()
        result = response.json()
        
        # Extract cost from response
        if "usage" in result:
            # Estimate cost (adjust based on your pricing)
            tokens = result["usage"].get("total_tokens", 0)
            cost = tokens * 0.000001  # Example: $1 per 1M tokens
            self.spent += cost
            
            print(f"üí∞ Cost: ${cost:.6f} | Total: ${self.spent:.6f} / ${self.budget_limit}")
            
            if self.spent > self.budget_limit:
                print("‚ö†Ô∏è Budget limit exceeded!")
        
        return result

# Example
client = BudgetAwareClient(API_KEY, budget_limit=5.0)
messages = [{"role": "user", "content": "What is AI?"}]
result = client.chat(messages)
