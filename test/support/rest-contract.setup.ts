import { contractCheckedFetch, RestContract } from './rest-contract';

// Every e2e REST answer is checked against docs/openapi.json: an undocumented status or shape fails the test that fetched it.
globalThis.fetch = contractCheckedFetch(globalThis.fetch, RestContract.load());
