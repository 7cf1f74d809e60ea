# The users' guide example "Simple Chat Completion", run against a local AgentWall by examples/clients/test/guide-python.test.ts.
import os

# ---- verbatim from the guide below this line (only API_KEY / BASE_URL read from the environment) ----
import requests

API_KEY = os.environ["AGENTWALL_API_KEY"]
BASE_URL = os.environ["AGENTWALL_BASE_URL"]

def chat_with_agentwall(messages, model="gpt-4o-mini"):
    """Send a chat completion request to AgentWall"""
    
    headers = {
        "Authorization": f"Bearer {API_KEY}",
        "Content-Type": "application/json"
    }
    
    payload = {
        "model": model,
        "messages": messages,
        "temperature": 0.7
    }
    
    response = requests.post(
        f"{BASE_URL}/v1/chat/completions",
        json=payload,
        headers=headers
    )
    
    response.raise_for_status()
    return response.json()

# Example
messages = [
    {"role": "user", "content": "What is 2+2?"}
]

result = chat_with_agentwall(messages)
print(result["choices"][0]["message"]["content"])
