"""`os1 serve`: one OS1 for a household. Each person signs in to their own companion; one model serves all,
fairly; the web app, the OpenAI-compatible API and the realtime voice socket are doors onto the same turn."""
