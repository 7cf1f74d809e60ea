# The users' guide example "Error Handling", run against a local AgentWall by examples/clients/test/guide-python.test.ts.
import os
import requests

API_KEY = os.environ["AGENTWALL_API_KEY"]
BASE_URL = os.environ["AGENTWALL_BASE_URL"]

# ---- verbatim from the guide below this line (only API_KEY / BASE_URL read from the environment) ----
import requests
from requests.exceptions import RequestException

def safe_chat(messages, run_id=None):
    """Chat with proper error handling"""
    
    try:
        headers = {
            "Authorization": f"Bearer {API_KEY}",
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
            headers=headers,
            timeout=30
        )
        
        # Handle AgentWall-specific errors
        if response.status_code == 429:
            error_data = response.json()
            if error_data.get("detail", {}).get("error", {}).get("type") == "loop_detected":
                print("‚ö†Ô∏è Loop detected! Agent is repeating the same prompt.")
                print(f"Steps: {error_data.get('detail', {}).get('error', {}).get('steps')}")
                return None
        
        if response.status_code == 401:
            print("‚ùå Authentication failed. Check your API key.")
            return None
        
        if response.status_code == 422:
            print("‚ùå Validation error:", response.json())
            return None
        
        response.raise_for_status()
        return response.json()
    
    except RequestException as e:
        print(f"‚ùå Request failed: {e}")
        return None

# Example
messages = [{"role": "user", "content": "Hello"}]
result = safe_chat(messages, run_id="my-run-123")
if result:
    print(result["choices"][0]["message"]["content"])
