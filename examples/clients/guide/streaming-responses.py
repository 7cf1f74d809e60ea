# The users' guide example "Streaming Responses", run against a local AgentWall by examples/clients/test/guide-python.test.ts.
import os
import requests

API_KEY = os.environ["AGENTWALL_API_KEY"]
BASE_URL = os.environ["AGENTWALL_BASE_URL"]

# ---- verbatim from the guide below this line (only API_KEY / BASE_URL read from the environment) ----
import requests
import json

def stream_chat(messages, run_id=None, model="gpt-4o-mini"):
    """Stream chat completion responses"""
    
    headers = {
        "Authorization": f"Bearer {API_KEY}",
        "Content-Type": "application/json"
    }
    
    payload = {
        "model": model,
        "messages": messages,
        "stream": True
    }
    
    if run_id:
        payload["agentwall_run_id"] = run_id
    
    response = requests.post(
        f"{BASE_URL}/v1/chat/completions",
        json=payload,
        headers=headers,
        stream=True
    )
    
    response.raise_for_status()
    
    # Process streaming response
    for line in response.iter_lines():
        if line:
            line = line.decode('utf-8')
            if line.startswith('data: '):
                data = line[6:]  # Remove 'data: ' prefix
                if data == '[DONE]':
                    break
                try:
                    chunk = json.loads(data)
                    if 'choices' in chunk:
                        delta = chunk['choices'][0].get('delta', {})
                        if 'content' in delta:
                            print(delta['content'], end='', flush=True)
                except json.JSONDecodeError:
                    pass

# Example
messages = [{"role": "user", "content": "Write a short poem about AI"}]
stream_chat(messages)
