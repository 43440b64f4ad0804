// e2e tests drive a real n8n server: give each test minutes, not the unit tests' 30 s.
jest.setTimeout(180_000);
